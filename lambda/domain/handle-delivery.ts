import { answerMessage } from './answer-message';
import { isStoreError } from './claim-store-error';
import { enqueueMessage } from './enqueue-message';
import { recordKey, type WebhookBatch } from './messages';
import { isFinal, type MessageOutcome } from './outcomes';
import type { AnswerDeps } from './ports';
import { reconcileStatus } from './reconcile-status';

export interface DeliveryOutcome {
  messages: MessageOutcome[];
  /** Status webhooks that could not be recorded; Meta must deliver them again. */
  statusFailures: number;
  /** Whether this delivery settled a message for the first time or carried statuses (for forwarding). */
  hasNewEvents: boolean;
  /** 200 only when every message is done or terminal and every status was recorded. */
  complete: boolean;
}

/** Messages and statuses of one delivery handled at most this many at a time. */
const CONCURRENCY = 16;

/**
 * inline - the webhook claims and replies itself, holding copies until the owner settles.
 * queued - the webhook only writes the claim with the reply's inputs; the worker replies.
 */
export type ReplyMode = 'inline' | 'queued';

/** One webhook delivery: every message answered at most once, every status reconciled. */
export async function handleDelivery(
  deps: AnswerDeps,
  input: { batch: WebhookBatch; deadline: number; mode?: ReplyMode },
): Promise<DeliveryOutcome> {
  const { batch, deadline, mode = 'inline' } = input;
  for (const error of batch.errors) deps.observer.valueError(error);

  const seen = new Set<string>();
  // Statuses run beside the messages, not after them: a status confirms an earlier reply, and
  // holding it back behind a slow message (which may outlive the invocation) lets that reply's
  // grace run out, after which a redelivery would send it again.
  const answering = mapBounded(batch.messages, CONCURRENCY, async (message): Promise<MessageOutcome> => {
    const id = recordKey(message.key);
    if (seen.has(id)) {
      deps.observer.duplicate(message.key, 'same-batch');
      return { kind: 'duplicate', reason: 'same-batch' };
    }
    seen.add(id);
    return mode === 'queued' ? enqueueMessage(deps, { message }) : answerMessage(deps, { message, deadline });
  });

  const reconciling = mapBounded(batch.statuses, CONCURRENCY, async (status) => {
    try {
      await reconcileStatus(deps, status);
      return true;
    } catch (error) {
      if (!isStoreError(error)) throw error;
      const key = { tenantId: status.tenantId, messageId: status.outboundId };
      deps.observer.storeError(key, error.operation, error.cause);
      return false;
    }
  });
  const [messages, statusResults] = await Promise.all([answering, reconciling]);
  const statusFailures = statusResults.filter((ok) => !ok).length;

  return {
    messages,
    statusFailures,
    hasNewEvents: messages.some(isFirstSettlement) || batch.statuses.length + batch.errors.length > 0,
    complete: messages.every(isFinal) && statusFailures === 0,
  };
}

const isFirstSettlement = (outcome: MessageOutcome): boolean =>
  outcome.kind === 'replied' ||
  outcome.kind === 'queued' ||
  outcome.kind === 'terminal' ||
  outcome.kind === 'no-reply';

async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
