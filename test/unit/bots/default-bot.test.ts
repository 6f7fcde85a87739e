import { describe, expect, it } from 'vitest';
import { defaultBot, MENU_INTRO, STALE_APOLOGY } from '../../../lambda/bots/default-bot';
import { botContext } from '../../../lambda/domain/bot-context';
import type { InboundMessage } from '../../../lambda/domain/messages';
import { message } from '../domain/use-case-fixture';

const text = (body: string) => message('wamid.T', { text: body });
const NOW_MS = Date.UTC(2026, 11, 5, 8, 0, 0);
const compose = (inbound: InboundMessage) => defaultBot.compose(inbound, botContext(inbound, NOW_MS));
/** The body of the single text part the default bot answers with. */
async function replyText(inbound: InboundMessage): Promise<string | undefined> {
  const answer = await compose(inbound);
  expect(answer).toHaveLength(1);
  const [part] = answer;
  return part?.kind === 'text' ? part.body : undefined;
}

describe('defaultBot', () => {
  it.each([
    ['test', 'test is working'],
    [' Test ', 'test is working'],
    ['hello', 'Hello! How can I assist you today?'],
    ['Hi', 'Hello! How can I assist you today?'],
  ])('answers %j with %j as the old system did', async (body, reply) => {
    expect(await replyText(text(body))).toBe(reply);
  });

  it('echoes other text briefly', async () => {
    expect(await replyText(text('what are your hours?'))).toContain('"what are your hours?"');
  });

  it('keeps a long echo short', async () => {
    expect((await replyText(text('a'.repeat(5000))))?.length).toBeLessThan(1200);
  });

  it.each(['image', 'audio', 'location', 'interactive', 'unsupported', 'unknown'])(
    'answers a %s message politely in text',
    async (type) => {
      const reply = await replyText(message('wamid.M', { type, text: undefined }));
      expect(reply).toMatch(/^Thanks for your .+! I can only read text messages/);
    },
  );

  it('starts the answer to a stale message with a short apology', async () => {
    const late = message('wamid.L', { text: 'hi', timestamp: Math.floor(NOW_MS / 1000) - 2 * 3_600 });
    const answer = await defaultBot.compose(late, botContext(late, NOW_MS));
    expect(answer).toEqual([{ kind: 'text', body: `${STALE_APOLOGY}Hello! How can I assist you today?` }]);
  });

  it.each(['menu', ' MENU ', 'Menu'])(
    'answers %j with two parts: a text, then reply buttons',
    async (body) => {
      const answer = await compose(text(body));

      expect(answer.map((part) => part.kind)).toEqual(['text', 'buttons']);
      expect(answer[0]).toEqual({ kind: 'text', body: MENU_INTRO });
      const buttons = answer[1]?.kind === 'buttons' ? answer[1].buttons : [];
      expect(buttons.map((button) => button.id)).toEqual(['help', 'hours']);
      // Meta's limits for reply buttons: at most 3, titles at most 20 characters.
      expect(buttons.every((button) => button.title.length <= 20)).toBe(true);
    },
  );

  it('puts the apology for a stale "menu" in its text part only', async () => {
    const late = message('wamid.L', { text: 'menu', timestamp: Math.floor(NOW_MS / 1000) - 2 * 3_600 });
    const answer = await defaultBot.compose(late, botContext(late, NOW_MS));

    expect(answer[0]).toEqual({ kind: 'text', body: `${STALE_APOLOGY}${MENU_INTRO}` });
    expect(answer[1]?.kind).toBe('buttons');
  });

  const tapped = (kind: 'button_reply' | 'list_reply', id: string, title: string) =>
    message('wamid.B', { content: { type: 'interactive', reply: { kind, id, title } } });

  it.each([
    ['hours', 'Opening hours', /^You chose "Opening hours"\. This bot answers around the clock/],
    ['help', 'Renamed help', /^You chose "Help"\. Send "test"/],
    ['other-id', 'Something else', /^You chose "Something else"\.$/],
  ])('answers the tapped button %j by its id, naming the choice', async (id, title, reply) => {
    expect(await replyText(tapped('button_reply', id, title))).toMatch(reply);
  });

  it('answers a tapped list row the same way', async () => {
    expect(await replyText(tapped('list_reply', 'hours', 'Opening hours'))).toMatch(
      /^You chose "Opening hours"/,
    );
  });

  it.each(['reaction', 'system'])('does not answer a %s', async (type) => {
    expect(await compose(message('wamid.M', { type }))).toEqual([]);
  });
});
