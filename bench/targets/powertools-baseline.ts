import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { botContext } from '../../lambda/domain/bot-context';
import type { InboundMessage } from '../../lambda/domain/messages';
import { benchBot } from './bench-bot';
import { intake, response, targetEnv } from './intake';

/**
 * The baseline: the same webhook, deduplicated the way Powertools idempotency documents it for an
 * inner function. `makeIdempotent` wraps the per-message reply, keyed on the wamid; the table has
 * Powertools' schema (partition key `id`, TTL `expiration`). Defaults are kept except the window,
 * which covers Meta's 7 days of retries like this project's 8-day records. The local cache stays off
 * (its default): in Lambda, copies of a message rarely reach the same container.
 */
const env = targetEnv(process.env);
const bot = benchBot(process.env);
const DAY_SECONDS = 86_400;
const SEND_TIMEOUT_MS = 8_000;

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: env.tableName ?? '' });
const config = new IdempotencyConfig({
  eventKeyJmesPath: 'key.messageId',
  expiresAfterSeconds: 8 * DAY_SECONDS,
});

/** Thrown so Powertools deletes the record and a redelivery tries again. */
class ReplyNotSentError extends Error {
  override name = 'ReplyNotSentError';
}

const replyOnce = makeIdempotent(
  async (message: InboundMessage) => {
    const [part] = await bot.compose(message, botContext(message, Date.now()));
    if (part === undefined) return { noReply: true };
    const result = await env.replies.send({
      tenantId: message.key.tenantId,
      to: message.replyTo ?? '',
      part,
      inReplyTo: message.key.messageId,
      callbackData: undefined,
      timeoutMs: SEND_TIMEOUT_MS,
    });
    if (result.kind === 'sent') return { outboundId: result.outboundId ?? null };
    // Powertools docs, "Handling exceptions": return what should be cached, throw what should retry.
    if (result.kind === 'permanent') return { failed: result.code ?? null };
    throw new ReplyNotSentError(result.detail);
  },
  { persistenceStore, config },
);

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  const read = intake(event, env.appSecret);
  if (read.kind === 'answer') return read.response;
  // Wrapping an inner function: register the context so the in-progress lease follows the deadline.
  config.registerLambdaContext(context);
  try {
    for (const message of read.messages) {
      if (message.replyTo !== undefined) await replyOnce(message);
    }
    return response(200);
  } catch (error) {
    // IdempotencyAlreadyInProgressError (a copy while the first is running) and failed sends:
    // not 2xx, so Meta delivers again ("you can safely retry", Powertools docs).
    return response(error instanceof Error && error.name === 'IdempotencyAlreadyInProgressError' ? 503 : 500);
  }
}
