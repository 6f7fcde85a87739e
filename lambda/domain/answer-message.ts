import { encodeCallbackData } from './callback-data';
import {
  type ClaimClock,
  type ClaimRecord,
  type ClaimStore,
  canTakeOver,
  epochSeconds,
  type Fence,
  type FencedWrite,
  isSettled,
} from './claim-record';
import type { InboundMessage, MessageKey } from './messages';
import { type OwnerPace, pollDelay } from './owner-pace';
import type { Bot, Clock, ProtocolObserver, ReplySender, SendResult } from './ports';
import type { ProtocolTuning } from './tuning';

export interface AnswerDeps {
  claims: ClaimStore;
  replies: ReplySender;
  bot: Bot;
  clock: Clock;
  newOwner: () => string;
  observer: ProtocolObserver;
  pace: OwnerPace;
  tuning: ProtocolTuning;
}

export type RetryReason = 'in-flight' | 'send-failed' | 'ambiguous-send' | 'no-time-left' | 'contended';

/** What happened to one inbound message in one delivery. */
export type MessageOutcome =
  | { kind: 'replied' }
  | { kind: 'terminal'; reason: 'permanent-error' | 'no-address' }
  | { kind: 'no-reply' }
  | { kind: 'duplicate'; reason: 'already-processed' | 'in-flight' | 'same-batch' }
  | { kind: 'retry-later'; reason: RetryReason }
  | { kind: 'store-error' };

/** Done or terminal: Meta need not deliver this message again. */
export const isFinal = (outcome: MessageOutcome): boolean =>
  outcome.kind !== 'retry-later' && outcome.kind !== 'store-error';

export const MAX_REPLY_LENGTH = 4096;
/** Claim rounds per delivery: first try, takeover, and a lost race or two. */
const MAX_CLAIM_ROUNDS = 4;
/** A send needs at least this long inside the lease, or it is not started. */
const MIN_SEND_WINDOW_MS = 500;
/** The Graph call must end this long before the lease does. */
const SEND_MARGIN_MS = 250;
const SETTLE_RETRY_DELAYS_MS = [50, 150, 400];

/**
 * Answers one inbound message at most once across every delivery of it: claim, then send as owner.
 * `deadline` is the epoch ms at which the invocation will be stopped.
 */
export async function answerMessage(
  deps: AnswerDeps,
  input: { message: InboundMessage; deadline: number },
): Promise<MessageOutcome> {
  const { message, deadline } = input;
  if (!deps.bot.answers(message)) {
    deps.observer.skipped(message.key, 'bot-does-not-answer');
    return { kind: 'no-reply' };
  }
  if (message.replyTo === undefined) {
    deps.observer.skipped(message.key, 'no-address');
    return { kind: 'terminal', reason: 'no-address' };
  }
  try {
    return await claimThenAnswer(deps, message, deadline);
  } catch (error) {
    if (isStoreError(error)) {
      deps.observer.storeError(message.key, error.operation, error.cause);
      return { kind: 'store-error' };
    }
    throw error;
  }
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

  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const now = clock.now();
    if (leaseUntil - now < MIN_SEND_WINDOW_MS) {
      observer.skipped(key, 'no-time-left');
      return retryLater('no-time-left');
    }
    const fence: Fence = { owner: deps.newOwner(), attempt };
    const result = await claims.claim(
      key,
      { ...fence, leaseUntil, expiresAt: epochSeconds(now) + tuning.dedupTtlSeconds },
      claimClock(deps, now),
    );
    if (result.won) {
      observer.claimed(key, attempt, result.previous?.state);
      return answerAsOwner(deps, message, fence, leaseUntil, now);
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
    if (current && isSettled(current)) {
      if (waited) observer.inFlightWaitEnded(key, 'settled');
      else observer.duplicate(key, 'already-processed');
      return { kind: 'duplicate', reason: waited ? 'in-flight' : 'already-processed' };
    }
    if (waited) observer.inFlightWaitEnded(key, 'takeover');
    // Released, lease run out, expired or gone: claim again as the next attempt.
    attempt = current ? current.attempt + 1 : 1;
  }
  return retryLater('contended');
}

async function answerAsOwner(
  deps: AnswerDeps,
  message: InboundMessage,
  fence: Fence,
  leaseUntil: number,
  claimedAt: number,
): Promise<MessageOutcome> {
  const { key } = message;
  let text: string;
  try {
    text = (await deps.bot.compose(message)).slice(0, MAX_REPLY_LENGTH);
  } catch (error) {
    const detail = `bot failed: ${error instanceof Error ? error.name : 'unknown error'}`;
    deps.observer.replyFailed(key, { kind: 'retryable', code: undefined, detail }, false);
    await settle(deps, key, 'release', () => deps.claims.release(key, fence));
    return retryLater('send-failed');
  }

  const result = await sendWithRetries(deps, message, text, fence, leaseUntil);
  switch (result.kind) {
    case 'sent':
      deps.observer.replySent(key, fence.attempt);
      await settle(deps, key, 'complete', () => deps.claims.complete(key, fence, result.outboundId));
      deps.pace.observe(deps.clock.now() - claimedAt);
      return { kind: 'replied' };
    case 'permanent':
      await settle(deps, key, 'failed', () => deps.claims.markFailed(key, fence, result.code));
      return { kind: 'terminal', reason: 'permanent-error' };
    case 'ambiguous': {
      const confirmBy = deps.clock.now() + deps.tuning.ambiguousGraceMs;
      await settle(deps, key, 'unknown', () => deps.claims.markUnknown(key, fence, confirmBy));
      return retryLater('ambiguous-send');
    }
    case 'retryable':
      await settle(deps, key, 'release', () => deps.claims.release(key, fence));
      return retryLater('send-failed');
  }
}

/** Retries retryable Graph errors with backoff, never letting a call outlive the lease. */
async function sendWithRetries(
  deps: AnswerDeps,
  message: InboundMessage,
  text: string,
  fence: Fence,
  leaseUntil: number,
): Promise<SendResult> {
  const { clock, tuning, observer } = deps;
  const callbackData = encodeCallbackData({ key: message.key, attempt: fence.attempt });
  let last: SendResult = { kind: 'retryable', code: undefined, detail: 'no time left in the lease to send' };
  for (let attempt = 1; attempt <= tuning.sendMaxAttempts; attempt++) {
    const leaseLeft = leaseUntil - SEND_MARGIN_MS - clock.now();
    if (leaseLeft < MIN_SEND_WINDOW_MS) break;
    const timeoutMs = Math.min(tuning.sendTimeoutMs, leaseLeft);
    last = await deps.replies.send({
      tenantId: message.key.tenantId,
      to: message.replyTo ?? '',
      text,
      inReplyTo: message.key.messageId,
      callbackData,
      timeoutMs,
    });
    if (last.kind === 'sent') return last;
    // Permanent and ambiguous failures end the attempt, but are reported like the rest (log, metric).
    if (last.kind !== 'retryable') {
      observer.replyFailed(message.key, last, false);
      return last;
    }
    const backoff = 200 * 2 ** (attempt - 1);
    const willRetry =
      attempt < tuning.sendMaxAttempts &&
      clock.now() + backoff + MIN_SEND_WINDOW_MS + SEND_MARGIN_MS < leaseUntil;
    observer.replyFailed(message.key, last, willRetry);
    if (!willRetry) return last;
    await clock.sleep(backoff);
  }
  return last;
}

/**
 * A fenced write after the claim, retried on store errors while time allows. When it still fails
 * the lease runs out and a later delivery decides; a `sent` status can still settle a sent reply.
 */
async function settle(
  deps: AnswerDeps,
  key: MessageKey,
  write: 'complete' | 'release' | 'unknown' | 'failed',
  run: () => Promise<FencedWrite>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      deps.observer.settleWrite(key, write, await run());
      return;
    } catch (error) {
      if (!isStoreError(error)) throw error;
      const delay = SETTLE_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        deps.observer.storeError(key, write, error.cause);
        return;
      }
      await deps.clock.sleep(delay);
    }
  }
}

function isInFlight(deps: AnswerDeps, record: ClaimRecord): boolean {
  return !isSettled(record) && !canTakeOver(record, claimClock(deps, deps.clock.now()));
}

function claimClock(deps: AnswerDeps, nowMs: number): ClaimClock {
  return { nowMs, takeoverBeforeMs: nowMs - deps.tuning.takeoverGraceMs };
}

const retryLater = (reason: RetryReason): MessageOutcome => ({ kind: 'retry-later', reason });

const isStoreError = (error: unknown): error is Error & { operation: string } =>
  error instanceof Error && error.name === 'ClaimStoreError';
