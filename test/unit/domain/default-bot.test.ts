import { describe, expect, it } from 'vitest';
import { defaultBot } from '../../../lambda/domain/default-bot';
import { message } from './use-case-fixture';

const text = (body: string) => message('wamid.T', { text: body });

describe('defaultBot', () => {
  it.each([
    ['test', 'test is working'],
    [' Test ', 'test is working'],
    ['hello', 'Hello! How can I assist you today?'],
    ['Hi', 'Hello! How can I assist you today?'],
  ])('answers %j with %j as the old system did', async (body, reply) => {
    expect(await defaultBot.compose(text(body))).toBe(reply);
  });

  it('echoes other text briefly', async () => {
    expect(await defaultBot.compose(text('what are your hours?'))).toContain('"what are your hours?"');
  });

  it('keeps a long echo short', async () => {
    expect((await defaultBot.compose(text('a'.repeat(5000)))).length).toBeLessThan(1200);
  });

  it.each(['image', 'audio', 'location', 'interactive', 'unsupported', 'unknown'])(
    'answers a %s message politely in text',
    async (type) => {
      const reply = await defaultBot.compose(message('wamid.M', { type, text: undefined }));
      expect(reply).toMatch(/^Thanks for your .+! I can only read text messages/);
    },
  );

  it.each(['reaction', 'system'])('does not answer a %s', (type) => {
    expect(defaultBot.answers(message('wamid.M', { type }))).toBe(false);
  });

  it('answers text', () => {
    expect(defaultBot.answers(text('x'))).toBe(true);
  });
});
