import { answerAsOwner } from './answer-as-owner';
import { type ClaimClock, type ClaimRecord, type Fence, isSettled } from './claim-record';
import { isStoreError } from './claim-store-error';
import { type InboundMessage, type MessageKey, textOf } from './messages';
import type { AnswerDeps, ProtocolObserver, QueueObserver, RedriveQueue, RedriveReason } from './ports';
import { REPLY_WINDOW_MS } from './reply-window';
import { MIN_SEND_WINDOW_MS } from './tuning';

export interface WorkerDeps extends Omit<AnswerDeps, 'observer'> {
  observer: ProtocolObserver & QueueObserver;
  redrive: RedriveQueue;
}

/** What became of one trigger (a stream record or a re-drive message). */
export type WorkerOutcome =
  | { kind: 'replied' }
  | { kind: 'terminal'; reason: 'permanent-error' | 'no-address' | 'window-closed' | 'bot-does-not-answer' }
  | { kind: 'settled-before' }
  | { kind: 'redrive-scheduled'; reason: RedriveReason }
  | { kind: 'handed-back' }
  | { kind: 'redrive-failed' }
  | { kind: 'store-error' };

/** The trigger may be acknowledged: the message is settled, or a re-drive of it is durably queued. */
export const canAcknowledge = (outcome: WorkerOutcome): boolean =>
  outcome.kind !== 'redrive-failed' && outcome.kind !== 'store-error';

const MAX_REDRIVE_DELAY_S = 900;
const MAX_LEASE_ROUNDS = 3;
/** The first lease of a record the webhook queued as attempt 1: its owner sends the read receipt. */
const FIRST_LEASE_ATTEMPT = 2;

/**
 * The worker's use case, for a stream record and a re-drive alike: take the fenced lease on the
 * attempt the trigger observed, reply as owner (the inline owner's own code), and settle. Whatever
 * is left unsettled is handed to a re-drive before the trigger is acknowledged: nothing is lost
 * when Meta already has its 200.
 */
export async function deliverQueued(
  deps: WorkerDeps,
  input: { key: MessageKey; observedAttempt: number; deadline: number },
): Promise<WorkerOutcome> {
  const { key, deadline } = input;
  try {
    let observed = input.observedAttempt;
    for (let round = 0; round < MAX_LEASE_ROUNDS; round++) {
      const now = deps.clock.now();
      const leaseUntil = deadline - deps.tuning.leaseSafetyMs;
      if (leaseUntil - now < MIN_SEND_WINDOW_MS) return schedule(deps, key, observed, 1, 'no-time-left');
      const fence: Fence = { owner: deps.newOwner(), attempt: observed + 1 };
      const clock = claimClock(deps, now);
      const result = await deps.claims.lease(
        key,
        { owner: fence.owner, observedAttempt: observed, leaseUntil },
        clock,
      );
      if (result.won) {
        deps.observer.leaseTaken(key, fence.attempt);
        return await replyAsOwner(deps, result.record, key, fence, leaseUntil, now);
      }
      const current = result.current;
      deps.observer.leaseLost(key, observed, current?.state);
      if (current === undefined || isSettled(current)) return { kind: 'settled-before' };
      if (isLeaseLive(current, clock)) {
        const dueMs = current.leaseUntil + deps.tuning.takeoverGraceMs - now;
        return schedule(deps, key, current.attempt, Math.ceil(dueMs / 1000) + 1, 'lease-live');
      }
      // Released by another owner: its own re-drive is due after a backoff; one more keeps it safe
      // (say, that owner failed to enqueue hers) without hurrying it.
      if (current.state === 'released') {
        return schedule(deps, key, current.attempt, backoffSeconds(current.attempt), 'released');
      }
      // Queued again, or a dead owner's lease: take it at the attempt it is at now.
      observed = current.attempt;
    }
    return schedule(deps, key, observed, 1, 'contended');
  } catch (error) {
    if (!isStoreError(error)) throw error;
    deps.observer.storeError(key, error.operation, error.cause);
    return { kind: 'store-error' };
  }
}

async function replyAsOwner(
  deps: WorkerDeps,
  record: ClaimRecord,
  key: MessageKey,
  fence: Fence,
  leaseUntil: number,
  now: number,
): Promise<WorkerOutcome> {
  const outbox = record.outbox;
  if (outbox === undefined) {
    // An inline-mode claim replaced the outbox entry (a mode switch): inline mode's redelivery owns it.
    await deps.claims.release(key, fence);
    return { kind: 'handed-back' };
  }
  // The 24 h window is judged by answerAsOwner, as inline: past it the bot may still answer with a
  // template; anything else ends `window-closed` with no Graph call.
  const windowEnd = outbox.msgTimestamp * 1000 + REPLY_WINDOW_MS;
  const message: InboundMessage = {
    key,
    replyTo: outbox.replyTo,
    type: outbox.type,
    text: textOf(outbox.content),
    content: outbox.content,
    user: outbox.user,
    referral: outbox.referral,
    timestamp: outbox.msgTimestamp,
  };
  // The leased record (ALL_NEW) carries what a previous owner stored of a multi-part answer.
  const stored = record.parts && { parts: record.parts, partsSent: record.partsSent ?? 0 };
  const first = fence.attempt === FIRST_LEASE_ATTEMPT;
  const outcome = await answerAsOwner(deps, message, { fence, leaseUntil, claimedAt: now, stored, first });
  switch (outcome.kind) {
    case 'replied':
      return { kind: 'replied' };
    case 'no-reply':
      return { kind: 'terminal', reason: 'bot-does-not-answer' };
    case 'terminal':
      return { kind: 'terminal', reason: outcome.reason };
    case 'retry-later': {
      if (outcome.reason === 'ambiguous-send') {
        // Due once the confirmation grace (and the takeover grace after it) is over: a `sent`
        // status settles the record first, or the re-drive resends once.
        const dueMs = deps.tuning.ambiguousGraceMs + deps.tuning.takeoverGraceMs;
        return schedule(deps, key, fence.attempt, Math.ceil(dueMs / 1000) + 1, 'ambiguous');
      }
      // Never later than the window's end: the re-drive then ends it as window-closed.
      const untilWindowEnd = Math.max(1, Math.ceil((windowEnd - deps.clock.now()) / 1000));
      return schedule(
        deps,
        key,
        fence.attempt,
        Math.min(backoffSeconds(fence.attempt), untilWindowEnd),
        'retryable',
      );
    }
    default:
      return { kind: 'handed-back' };
  }
}

/** 2^(attempt-1) s, capped at SQS's longest delay: attempt 2 (the first lease) waits 2 s. */
export const backoffSeconds = (attempt: number): number =>
  Math.min(MAX_REDRIVE_DELAY_S, 2 ** Math.max(1, attempt - 1));

async function schedule(
  deps: WorkerDeps,
  key: MessageKey,
  observedAttempt: number,
  delaySeconds: number,
  reason: RedriveReason,
): Promise<WorkerOutcome> {
  const delay = Math.min(MAX_REDRIVE_DELAY_S, Math.max(0, delaySeconds));
  try {
    await deps.redrive.schedule(key, observedAttempt, delay);
  } catch (error) {
    deps.observer.redriveFailed(key, error);
    return { kind: 'redrive-failed' };
  }
  deps.observer.redriveScheduled(key, observedAttempt, delay, reason);
  return { kind: 'redrive-scheduled', reason };
}

const isLeaseLive = (record: ClaimRecord, clock: ClaimClock): boolean =>
  (record.state === 'claimed' || record.state === 'unknown') && record.leaseUntil >= clock.takeoverBeforeMs;

const claimClock = (deps: WorkerDeps, nowMs: number): ClaimClock => ({
  nowMs,
  takeoverBeforeMs: nowMs - deps.tuning.takeoverGraceMs,
});
