import { type Bot, type BotAnswer, type BotContext, type InboundContent, textPart } from '../domain/bot';
import type { InboundMessage } from '../domain/messages';

/** Types that never get an answer: a reaction is not a question, a system notice is not from a person. */
const SILENT_TYPES = new Set(['reaction', 'system']);
const ECHO_LIMIT = 1000;
/** Before the answer to a message that waited past STALE_AFTER_SECONDS (an outage, a long backlog). */
export const STALE_APOLOGY = 'Sorry for the slow reply. ';

/**
 * The old system's behaviour, kept: a fixed answer to `test` and greetings, a short echo otherwise,
 * one text part; nothing for reactions and system notices. A late answer starts with an apology.
 */
export const defaultBot: Bot = {
  async compose(message: InboundMessage, context: BotContext): Promise<BotAnswer> {
    if (SILENT_TYPES.has(message.type)) return [];
    const text = answerText(message.content, message.type);
    return [textPart(context.stale ? `${STALE_APOLOGY}${text}` : text)];
  },
};

function answerText(content: InboundContent, type: string): string {
  if (content.type !== 'text') {
    return `Thanks for your ${describe(type)}! I can only read text messages for now, so please type your question.`;
  }
  const text = content.body.trim();
  const normalized = text.toLowerCase();
  if (normalized === 'test') return 'test is working';
  if (normalized === 'hello' || normalized === 'hi') return 'Hello! How can I assist you today?';
  const echo = text.length > ECHO_LIMIT ? `${text.slice(0, ECHO_LIMIT)}…` : text;
  return `You said: "${echo}". Send "test" to check the bot, or "hi" to say hello.`;
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
