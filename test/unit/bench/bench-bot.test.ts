import { describe, expect, it } from 'vitest';
import { BOT_DELAY_ENV, benchBot } from '../../../bench/targets/bench-bot';
import { defaultBot } from '../../../lambda/bots/default-bot';
import { botContext } from '../../../lambda/domain/bot-context';
import type { InboundMessage } from '../../../lambda/domain/messages';

const message = {
  key: { tenantId: '106540352242922', messageId: 'wamid.A' },
  from: '16505551234',
  replyTo: '16505551234',
  type: 'text',
  text: 'hi',
  content: { type: 'text', body: 'hi' },
  timestamp: Math.floor(Date.now() / 1000),
} as unknown as InboundMessage;

describe('benchBot', () => {
  it('is the default bot itself without a delay', () => {
    expect(benchBot({})).toBe(defaultBot);
  });

  it('answers what the default bot answers, after the delay', async () => {
    const context = botContext(message, Date.now());
    const started = performance.now();
    const answer = await benchBot({ [BOT_DELAY_ENV]: '60' }).compose(message, context);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(answer).toEqual(await defaultBot.compose(message, context));
  });

  it('refuses a delay that is not a number', () => {
    expect(() => benchBot({ [BOT_DELAY_ENV]: 'soon' })).toThrow(BOT_DELAY_ENV);
  });
});
