import type { BotContext } from '../domain/bot';
import type { InboundMessage } from '../domain/messages';
import { BOT_PROTOCOL_VERSION } from './protocol-schema';

/** What an HTTP bot receives (docs/bot-protocol.schema.json, `request`). Personal data: never logged. */
export function botRequest(message: InboundMessage, context: BotContext) {
  return {
    version: BOT_PROTOCOL_VERSION,
    message: {
      id: message.key.messageId,
      type: message.type,
      content: message.content,
      ...(message.referral === undefined ? {} : { referral: message.referral }),
      ...(message.timestamp === undefined ? {} : { timestamp: message.timestamp }),
    },
    context,
  };
}
