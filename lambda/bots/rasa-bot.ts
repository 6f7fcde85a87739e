import {
  type Bot,
  type BotAnswer,
  type BotContext,
  type InboundContent,
  InvalidBotAnswerError,
  type ReplyPart,
} from '../domain/bot';
import type { InboundMessage } from '../domain/messages';
import { REPLY_LIMITS } from '../domain/reply-limits';
import { isRecord } from '../json-object';
import { type BotEndpoint, postToBot } from './bot-http';

// BOT_PROTOCOL=rasa: Rasa's REST channel (rasa.com/docs/reference/channels/your-own-website,
// "RestInput"): POST {"sender", "message"} to http://<host>:<port>/webhooks/rest/webhook, the answer
// is a list of bot messages such as {"recipient_id", "text"}, {"image": "<url>"} and text with
// "buttons": [{"title", "payload"}]. The REST channel takes text only: a tap on one of our buttons
// or list rows is sent as its payload (the id we gave it), a template's quick reply as its payload;
// media, locations, contacts and reactions are not sent to Rasa and get no answer.

const LIST_BUTTON = 'Choose';

export function rasaBot(endpoint: BotEndpoint): Bot {
  return {
    async compose(message: InboundMessage, _context: BotContext): Promise<BotAnswer> {
      const text = rasaText(message.content);
      const sender = message.replyTo ?? message.user.userId ?? message.user.phone;
      if (text === undefined || sender === undefined) return [];
      const answer = await postToBot(endpoint, { sender, message: text });
      if (!Array.isArray(answer)) throw new InvalidBotAnswerError('rasa response is not a list');
      return answer.flatMap(partsOf);
    },
  };
}

function rasaText(content: InboundContent): string | undefined {
  switch (content.type) {
    case 'text':
      return content.body;
    case 'interactive':
      return content.reply.id;
    case 'button':
      return content.payload;
    default:
      return undefined;
  }
}

/** One Rasa bot message as reply parts: text, text with buttons (a list past 3), image by link. */
function partsOf(item: unknown, index: number): ReplyPart[] {
  if (!isRecord(item)) throw new InvalidBotAnswerError(`rasa response /${index} is not an object`);
  const { text, image, buttons } = item;
  const parts: ReplyPart[] = [];
  if (text !== undefined && typeof text !== 'string')
    throw new InvalidBotAnswerError(`rasa response /${index}/text is not a string`);
  const choices = buttons === undefined ? [] : buttonsOf(buttons, index);
  if (choices.length > 0) parts.push(choicePart(text ?? '', choices));
  else if (text !== undefined) parts.push({ kind: 'text', body: text });
  if (typeof image === 'string') parts.push({ kind: 'media', mediaType: 'image', link: image });
  return parts;
}

function buttonsOf(buttons: unknown, index: number): { id: string; title: string }[] {
  if (!Array.isArray(buttons))
    throw new InvalidBotAnswerError(`rasa response /${index}/buttons is not a list`);
  return buttons.map((button, at) => {
    if (!isRecord(button) || typeof button.title !== 'string' || typeof button.payload !== 'string') {
      throw new InvalidBotAnswerError(`rasa response /${index}/buttons/${at} needs a title and a payload`);
    }
    return { id: button.payload, title: button.title };
  });
}

/** Up to 3 choices are reply buttons; more become one list (WhatsApp's limit on buttons is 3). */
function choicePart(body: string, choices: { id: string; title: string }[]): ReplyPart {
  if (choices.length <= REPLY_LIMITS.buttons) return { kind: 'buttons', body, buttons: choices };
  return { kind: 'list', body, button: LIST_BUTTON, sections: [{ rows: choices }] };
}
