import { afterEach, describe, expect, it } from 'vitest';
import { rasaBot } from '../../../lambda/bots/rasa-bot';
import type { InboundContent } from '../../../lambda/domain/bot';
import { botContext } from '../../../lambda/domain/bot-context';
import { message } from '../../unit/domain/use-case-fixture';
import { json, startLocalBot } from './local-bot-server';

// Rasa's REST channel as its documentation shows it (rasa.com/docs/reference/channels/your-own-website,
// "Request and Response Format"): request {"sender": "test_user", "message": "Hi there!"}, response
// [{"text": "Hey Rasa!"}, {"image": "http://example.com/image.jpg"}]; bot messages carry
// "recipient_id", and buttons are {"title", "payload"} (Rasa's rich responses).

const NOW = Date.now();
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function rasa(response: unknown) {
  const server = await startLocalBot(undefined, () => json(response));
  close = server.close;
  return { server, bot: rasaBot({ url: server.url, timeoutMs: 2_000, secret: async () => undefined }) };
}
const inbound = (content: InboundContent) =>
  message('wamid.R', { replyTo: 'test_user', user: { phone: 'test_user' }, content });
const compose = (bot: ReturnType<typeof rasaBot>, content: InboundContent) =>
  bot.compose(inbound(content), botContext(inbound(content), NOW));

describe('rasaBot against a Rasa REST channel on 127.0.0.1', () => {
  it("posts Rasa's documented request and maps its documented answer to a text and an image part", async () => {
    const { server, bot } = await rasa([{ text: 'Hey Rasa!' }, { image: 'http://example.com/image.jpg' }]);

    const answer = await compose(bot, { type: 'text', body: 'Hi there!' });

    expect(server.calls[0]?.body).toEqual({ sender: 'test_user', message: 'Hi there!' });
    expect(server.calls[0]?.path).toBe('/webhooks/rest/webhook');
    expect(answer).toEqual([
      { kind: 'text', body: 'Hey Rasa!' },
      { kind: 'media', mediaType: 'image', link: 'http://example.com/image.jpg' },
    ]);
  });

  it('maps text with up to three buttons to reply buttons whose ids are the payloads', async () => {
    const { bot } = await rasa([
      {
        recipient_id: 'test_user',
        text: 'Hey! How are you?',
        buttons: [
          { title: 'great', payload: 'I feel great' },
          { title: 'subscribe', payload: '/subscribe' },
        ],
      },
    ]);
    expect(await compose(bot, { type: 'text', body: 'hi' })).toEqual([
      {
        kind: 'buttons',
        body: 'Hey! How are you?',
        buttons: [
          { id: 'I feel great', title: 'great' },
          { id: '/subscribe', title: 'subscribe' },
        ],
      },
    ]);
  });

  it('maps more than three buttons to a list, since WhatsApp allows three buttons', async () => {
    const buttons = ['a', 'b', 'c', 'd'].map((x) => ({ title: x.toUpperCase(), payload: `/${x}` }));
    const { bot } = await rasa([{ recipient_id: 'test_user', text: 'Pick one', buttons }]);
    expect(await compose(bot, { type: 'text', body: 'menu' })).toEqual([
      {
        kind: 'list',
        body: 'Pick one',
        button: 'Choose',
        sections: [{ rows: buttons.map((b) => ({ id: b.payload, title: b.title })) }],
      },
    ]);
  });

  it.each([
    [
      'a tapped button',
      { type: 'interactive', reply: { kind: 'button_reply', id: '/subscribe', title: 'subscribe' } },
      '/subscribe',
    ],
    ['a template quick reply', { type: 'button', payload: 'STOP', text: 'Stop' }, 'STOP'],
  ] satisfies [string, InboundContent, string][])(
    'sends %s to Rasa as its payload',
    async (_name, content, sent) => {
      const { server, bot } = await rasa([]);
      expect(await compose(bot, content)).toEqual([]);
      expect(server.calls[0]?.body).toEqual({ sender: 'test_user', message: sent });
    },
  );

  it('sends nothing to Rasa for content without text (an image), and answers nothing', async () => {
    const { server, bot } = await rasa([{ text: 'unused' }]);
    expect(await compose(bot, { type: 'image', media: { id: '1' } })).toEqual([]);
    expect(server.calls).toHaveLength(0);
  });

  it('refuses an answer that is not a list as invalid', async () => {
    const { bot } = await rasa({ text: 'not a list' });
    await expect(compose(bot, { type: 'text', body: 'hi' })).rejects.toMatchObject({
      name: 'InvalidBotAnswerError',
    });
  });
});
