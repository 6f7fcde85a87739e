import { answerAsOwner } from './answer-as-owner';
import { whenAnswerable } from './answerable';
import {
  type ClaimClock,
  type ClaimRecord,
  canTakeOver,
  epochSeconds,
  type Fence,
  isSettled,
} from './claim-record';
import type { InboundMessage } from './messages';
import { type MessageOutcome, retryLater } from './outcomes';
import { pollDelay } from './owner-pace';
import type { AnswerDeps } from './ports';
import { MAX_CLAIM_ROUNDS, MIN_SEND_WINDOW_MS } from './tuning';

/**
 * Answers one inbound message at most once across every delivery of it: claim, then send as owner.
 * `deadline` is the epoch ms at which the invocation will be stopped.
 */
export async function answerMessage(
  deps: AnswerDeps,
  input: { message: InboundMessage; deadline: number },
): Promise<MessageOutcome> {
  return whenAnswerable(deps, input.message, () => claimThenAnswer(deps, input.message, input.deadline));
}

async function claimThenAnswer(
  deps: AnswerDeps,
  message: InboundMessage,
  deadline: number,
): Promise<MessageOutcome> {
  const { claims, clock, observer, tuning } = deps;
  const { key } = message;
  const leaseUntil = deadline - tuning.leaseSafetyMs;
  const waitUntil = Math.min(clock.now() + tuning.inFlightWaitMs, leaseUntil - MIN_SEND_WINDOW_MS);
  let attempt = 1;
  let waited = false;
  // The record to take over holds a stored answer: the takeover keeps it (docs/PROTOCOL.md).
  let keepParts = false;

  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const now = clock.now();
    if (leaseUntil - now < MIN_SEND_WINDOW_MS) {
      observer.skipped(key, 'no-time-left');
      return retryLater('no-time-left');
    }
    const fence: Fence = { owner: deps.newOwner(), attempt };
    const result = await claims.claim(
      key,
      { ...fence, leaseUntil, expiresAt: epochSeconds(now) + tuning.dedupTtlSeconds, keepParts },
      claimClock(deps, now),
    );
    if (result.won) {
      observer.claimed(key, attempt, result.previous?.state);
      // The takeover that kept a stored answer returns it (ALL_OLD): resume it, never compose again.
      const previous = keepParts ? result.previous : undefined;
      const stored = previous?.parts && { parts: previous.parts, partsSent: previous.partsSent ?? 0 };
      // Attempt 1 is only ever the first claim of the message: its owner sends the read receipt.
      const owner = { fence, leaseUntil, claimedAt: now, stored, first: attempt === 1 };
      return answerAsOwner(deps, message, owner);
    }

    let current: ClaimRecord | undefined = result.current;
    for (let poll = 0; current && isInFlight(deps, current); poll++) {
      if (!waited) observer.duplicate(key, 'in-flight');
      waited = true;
      const delay = pollDelay(deps.pace, poll, current.claimedAt, clock.now());
      if (clock.now() + delay > waitUntil) {
        observer.inFlightWaitEnded(key, 'still-in-flight');
        return retryLater('in-flight');
      }
      await clock.sleep(delay);
      current = await claims.read(key);
    }
    if (current?.state === 'queued') {
      // Written by queued mode's webhook: the worker owns the reply, nothing to wait for.
      if (waited) observer.inFlightWaitEnded(key, 'settled');
      else observer.duplicate(key, 'in-flight');
      return { kind: 'duplicate', reason: 'in-flight' };
    }
    if (current && isSettled(current)) {
      if (waited) observer.inFlightWaitEnded(key, 'settled');
      else observer.duplicate(key, 'already-processed');
      return { kind: 'duplicate', reason: waited ? 'in-flight' : 'already-processed' };
    }
    if (waited) observer.inFlightWaitEnded(key, 'takeover');
    // Released, lease run out, expired or gone: claim again as the next attempt.
    attempt = current ? current.attempt + 1 : 1;
    keepParts = current?.parts !== undefined && current.expiresAt >= epochSeconds(clock.now());
  }
  return retryLater('contended');
}

function isInFlight(deps: AnswerDeps, record: ClaimRecord): boolean {
  if (record.state === 'queued') return false;
  return !isSettled(record) && !canTakeOver(record, claimClock(deps, deps.clock.now()));
}

function claimClock(deps: AnswerDeps, nowMs: number): ClaimClock {
  return { nowMs, takeoverBeforeMs: nowMs - deps.tuning.takeoverGraceMs };
}
