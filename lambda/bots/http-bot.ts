import { type Bot, type BotAnswer, type BotContext, InvalidBotAnswerError } from '../domain/bot';
import type { InboundMessage } from '../domain/messages';
import { type BotEndpoint, postToBot } from './bot-http';
import { botRequest } from './bot-request';
import { botResponseValidator, firstProblem } from './protocol-validation';

/**
 * A bot in any language behind BOT_URL, speaking protocol v1 (docs/BOT.md): each message is POSTed
 * signed (X-Bot-Signature-256), the answer is `{ "version": 1, "replies": [ReplyPart...] }`.
 * No answer (timeout, error status, not JSON) is retryable; an answer outside the schema is not.
 */
export function httpBot(endpoint: BotEndpoint): Bot {
  return {
    async compose(message: InboundMessage, context: BotContext): Promise<BotAnswer> {
      const answer = await postToBot(endpoint, botRequest(message, context));
      const isBotResponse = await botResponseValidator();
      if (!isBotResponse(answer)) {
        throw new InvalidBotAnswerError(`bot response ${firstProblem(isBotResponse)}`);
      }
      return answer.replies;
    },
  };
}
