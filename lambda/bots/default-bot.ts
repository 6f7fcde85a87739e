import {
  type Bot,
  type BotAnswer,
  type BotContext,
  type InboundContent,
  type ReplyPart,
  textPart,
} from '../domain/bot';
import type { InboundMessage } from '../domain/messages';

/** Types that never get an answer: a reaction is not a question, a system notice is not from a person. */
const SILENT_TYPES = new Set(['reaction', 'system']);
const ECHO_LIMIT = 1000;
/** Before the answer to a message that waited past STALE_AFTER_SECONDS (an outage, a long backlog). */
export const STALE_APOLOGY = 'Sorry for the slow reply. ';

/** What "menu" offers: reply buttons (ids come back in the user's `button_reply`), with their answers. */
export const MENU_CHOICES = [
  { id: 'help', title: 'Help', answer: 'Send "test" to check the bot, or "hi" to say hello.' },
  { id: 'hours', title: 'Opening hours', answer: 'This bot answers around the clock, every day.' },
] as const;
export const MENU_INTRO = 'Here is what I can do.';
const MENU_PROMPT = 'Pick one:';

/**
 * The old system's behaviour, kept: a fixed answer to `test` and greetings, a short echo otherwise,
 * one text part; nothing for reactions and system notices. Plus a two-part answer to "menu" (a text,
 * then reply buttons) and an answer to a tapped button or list row, by its id. A late answer starts
 * with an apology.
 */
export const defaultBot: Bot = {
  async compose(message: InboundMessage, context: BotContext): Promise<BotAnswer> {
    if (SILENT_TYPES.has(message.type)) return [];
    const [first, ...rest] = answerParts(message.content, message.type);
    if (first?.kind !== 'text' || !context.stale) return first ? [first, ...rest] : [];
    return [textPart(`${STALE_APOLOGY}${first.body}`), ...rest];
  },
};

function answerParts(content: InboundContent, type: string): ReplyPart[] {
  if (content.type === 'interactive') return [textPart(choiceText(content.reply.id, content.reply.title))];
  if (content.type !== 'text') {
    return [
      textPart(
        `Thanks for your ${describe(type)}! I can only read text messages for now, so please type your question.`,
      ),
    ];
  }
  const text = content.body.trim();
  const normalized = text.toLowerCase();
  if (normalized === 'menu') {
    const buttons = MENU_CHOICES.map(({ id, title }) => ({ id, title }));
    return [textPart(MENU_INTRO), { kind: 'buttons', body: MENU_PROMPT, buttons }];
  }
  if (normalized === 'test') return [textPart('test is working')];
  if (normalized === 'hello' || normalized === 'hi') return [textPart('Hello! How can I assist you today?')];
  const echo = text.length > ECHO_LIMIT ? `${text.slice(0, ECHO_LIMIT)}…` : text;
  return [textPart(`You said: "${echo}". Send "test" to check the bot, "hi" to say hello, or "menu".`)];
}

/** Known ids answer by id (a renamed title still works); an unknown one is at least named back. */
export function choiceText(id: string, title: string): string {
  const choice = MENU_CHOICES.find((candidate) => candidate.id === id);
  return choice ? `You chose "${choice.title}". ${choice.answer}` : `You chose "${title}".`;
}

function describe(type: string): string {
  switch (type) {
    case 'image':
    case 'video':
    case 'sticker':
    case 'document':
    case 'location':
      return type;
    case 'audio':
      return 'voice message';
    case 'contacts':
      return 'contact card';
    case 'interactive':
    case 'button':
      return 'selection';
    default:
      return 'message';
  }
}
