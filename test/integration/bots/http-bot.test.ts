import { afterEach, describe, expect, it } from 'vitest';
import { httpBot } from '../../../lambda/bots/http-bot';
import { answerMessage } from '../../../lambda/domain/answer-message';
import { botContext } from '../../../lambda/domain/bot-context';
import { isRecord } from '../../../lambda/json-object';
import { message, useCaseFixture } from '../../unit/domain/use-case-fixture';
import { type BotReply, json, startLocalBot } from './local-bot-server';

const SECRET = 'bot-secret-0123456789abcdef';
const NOW = Date.now();
const inbound = message('wamid.H', {
  content: { type: 'interactive', reply: { kind: 'button_reply', id: 'yes', title: 'Yes' } },
  user: { phone: '16505551234', profileName: 'Sheena' },
  timestamp: Math.floor(NOW / 1000) - 5,
});

let servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});
async function bot(answer: () => BotReply, timeoutMs = 2_000) {
  const server = await startLocalBot(SECRET, answer);
  servers.push(server);
  return { server, bot: httpBot({ url: server.url, timeoutMs, secret: async () => SECRET }) };
}

describe('httpBot against a bot on 127.0.0.1', () => {
  it('posts the v1 request, signed over its exact bytes, and returns the replies', async () => {
    const replies = [
      { kind: 'text', body: 'Booked!' },
      { kind: 'buttons', body: 'Anything else?', buttons: [{ id: 'no', title: 'No' }] },
    ];
    const { server, bot: b } = await bot(() => json({ version: 1, replies }));

    const answer = await b.compose(inbound, botContext(inbound, NOW));

    expect(answer).toEqual(replies);
    const [call] = server.calls;
    expect(call?.signatureValid).toBe(true);
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.body).toEqual({
      version: 1,
      message: {
        id: 'wamid.H',
        type: 'interactive',
        content: { type: 'interactive', reply: { kind: 'button_reply', id: 'yes', title: 'Yes' } },
        timestamp: Math.floor(NOW / 1000) - 5,
      },
      context: {
        tenantId: '106540352242922',
        user: { phone: '16505551234', profileName: 'Sheena' },
        ageSeconds: 5,
        windowOpen: true,
        stale: false,
      },
    });
  });

  it('signs so that a bot holding another key rejects the request', async () => {
    const server = await startLocalBot('another-key-0123456789', () => json({ version: 1, replies: [] }));
    servers.push(server);
    await httpBot({ url: server.url, timeoutMs: 2_000, secret: async () => SECRET }).compose(
      inbound,
      botContext(inbound, NOW),
    );
    expect(server.calls[0]?.signatureValid).toBe(false);
  });

  it.each([
    ['an error status', () => json({ error: 'down' }, 503), /answered HTTP 503/],
    ['a body that is not JSON', (): BotReply => ({ status: 200, body: '<html>' }), /not JSON/],
  ])('fails retryably on %s', async (_name, answer, reason) => {
    const { bot: b } = await bot(answer);
    await expect(b.compose(inbound, botContext(inbound, NOW))).rejects.toMatchObject({
      name: 'BotError',
      message: expect.stringMatching(reason),
    });
  });

  it('fails retryably when the bot does not answer within BOT_TIMEOUT_MS', async () => {
    const { bot: b } = await bot(() => ({ hang: true }), 200);
    const started = Date.now();
    await expect(b.compose(inbound, botContext(inbound, NOW))).rejects.toMatchObject({
      name: 'BotError',
      message: expect.stringMatching(/did not answer within 200 ms/),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each([
    ['another version', { version: 2, replies: [] }],
    [
      'four buttons',
      {
        version: 1,
        replies: [
          { kind: 'buttons', body: 'b', buttons: [1, 2, 3, 4].map((n) => ({ id: `${n}`, title: `${n}` })) },
        ],
      },
    ],
    ['a part of an unknown kind', { version: 1, replies: [{ kind: 'poll', body: 'b' }] }],
    [
      'media with both id and link',
      { version: 1, replies: [{ kind: 'media', mediaType: 'image', id: '1', link: 'https://a/b' }] },
    ],
  ])('refuses an answer with %s as invalid (permanent), naming where', async (_name, body) => {
    const { bot: b } = await bot(() => json(body));
    await expect(b.compose(inbound, botContext(inbound, NOW))).rejects.toMatchObject({
      name: 'InvalidBotAnswerError',
      message: expect.stringMatching(/^bot response \//),
    });
  });
});

describe('an HTTP bot behind the use case', () => {
  it('gives the claim back when the bot times out, and replies on the next delivery', async () => {
    let hang = true;
    const { bot: b } = await bot(
      () => (hang ? { hang: true } : json({ version: 1, replies: [{ kind: 'text', body: 'Hi!' }] })),
      300,
    );
    const f = useCaseFixture();
    f.deps.bot = b;

    const first = await answerMessage(f.deps, { message: inbound, deadline: f.deadline() });
    expect(first).toEqual({ kind: 'retry-later', reason: 'send-failed' });
    expect([...f.claims.records.values()][0]).toMatchObject({ state: 'released' });
    expect(f.sent).toHaveLength(0);
    const failure = f.observer.events.find((event) => event.event === 'replyFailed');
    expect(JSON.stringify(failure)).toMatch(/BotError: bot at 127\.0\.0\.1:\d+ did not answer within 300 ms/);

    hang = false;
    const second = await answerMessage(f.deps, { message: inbound, deadline: f.deadline() });
    expect(second).toEqual({ kind: 'replied' });
    expect(f.sent.map((reply) => reply.part)).toEqual([{ kind: 'text', body: 'Hi!' }]);
  });

  it('ends the message failed without a Graph call when the bot answers outside the protocol', async () => {
    const { bot: b } = await bot(() => json({ version: 1, replies: [{ kind: 'text', body: '' }] }));
    const f = useCaseFixture();
    f.deps.bot = b;
    const outcome = await answerMessage(f.deps, { message: inbound, deadline: f.deadline() });
    expect(outcome).toEqual({ kind: 'terminal', reason: 'permanent-error' });
    expect([...f.claims.records.values()][0]).toMatchObject({ state: 'failed' });
    expect(f.sent).toHaveLength(0);
    const failure = f.observer.events.find((event) => event.event === 'replyFailed');
    expect(isRecord(failure) && JSON.stringify(failure)).toMatch(
      /invalid bot answer: bot response \/replies\/0/,
    );
  });
});
