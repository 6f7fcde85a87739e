import { type Bot, type BotAnswer, textPart } from './bot';
import type { InboundMessage } from './messages';

/** Types that never get an answer: a reaction is not a question, a system notice is not from a person. */
const SILENT_TYPES = new Set(['reaction', 'system']);
const ECHO_LIMIT = 1000;

/** The old system's behaviour, kept: a fixed answer to `test` and greetings, a short echo otherwise. */
export const defaultBot: Bot = {
  compose: async (message: InboundMessage): Promise<BotAnswer> =>
    SILENT_TYPES.has(message.type) ? [] : [textPart(answerText(message))],
};

function answerText(message: InboundMessage): string {
  if (message.type !== 'text' || message.text === undefined) {
    return `Thanks for your ${describe(message.type)}! I can only read text messages for now, so please type your question.`;
  }
  const text = message.text.trim();
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
