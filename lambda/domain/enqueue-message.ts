import { whenAnswerable } from './answerable';
import { canTakeOver, epochSeconds, isSettled } from './claim-record';
import type { InboundMessage } from './messages';
import { type MessageOutcome, retryLater } from './outcomes';
import type { AnswerDeps } from './ports';

/** Claim rounds per message: first try, a takeover of an inline record, and a lost race or two. */
const MAX_ENQUEUE_ROUNDS = 4;

/**
 * Queued mode's webhook side: one conditional write makes the claim and the outbox entry; the
 * worker replies from the table's stream. A copy is answered at once, whatever the record's state:
 * the record exists, so its reply is owned. Only a record left released or lease-over by inline mode
 * is taken over (as the next attempt), so switching modes loses nothing in flight.
 */
export async function enqueueMessage(
  deps: AnswerDeps,
  input: { message: InboundMessage },
): Promise<MessageOutcome> {
  return whenAnswerable(deps, input.message, (replyTo) => claimAsOutbox(deps, input.message, replyTo));
}

async function claimAsOutbox(
  deps: AnswerDeps,
  message: InboundMessage,
  replyTo: string,
): Promise<MessageOutcome> {
  const { key } = message;
  let attempt = 1;
  // A record holding a stored answer (a worker's, released) is taken over keeping it.
  let keepParts = false;
  for (let round = 0; round < MAX_ENQUEUE_ROUNDS; round++) {
    const now = deps.clock.now();
    const clock = { nowMs: now, takeoverBeforeMs: now - deps.tuning.takeoverGraceMs };
    const result = await deps.claims.enqueue(
      key,
      {
        attempt,
        expiresAt: epochSeconds(now) + deps.tuning.dedupTtlSeconds,
        outbox: {
          replyTo,
          type: message.type,
          content: message.content,
          user: message.user,
          referral: message.referral,
          // Without Meta's timestamp, the window is counted from our first sight of the message.
          msgTimestamp: message.timestamp ?? epochSeconds(now),
          queuedAt: now,
        },
        keepParts,
      },
      clock,
    );
    if (result.won) {
      deps.observer.claimed(key, attempt, result.previous?.state);
      return { kind: 'queued' };
    }
    const current = result.current;
    if (current && isSettled(current)) {
      deps.observer.duplicate(key, 'already-processed');
      return { kind: 'duplicate', reason: 'already-processed' };
    }
    if (current && !canTakeOver(current, clock)) {
      deps.observer.duplicate(key, 'in-flight');
      return { kind: 'duplicate', reason: 'in-flight' };
    }
    // Released or lease-over (inline mode's leftovers, or a worker's), expired, or gone: claim again.
    attempt = current ? current.attempt + 1 : 1;
    keepParts = current?.parts !== undefined && current.expiresAt >= epochSeconds(now);
  }
  return retryLater('contended');
}
