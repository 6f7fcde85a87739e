// Every port of the domain: what the use cases need from the world (store, Graph API, bot, clock,
// observer) and the deps bundles they take. Adapters implement these; the domain imports no adapter.

import type { Bot, ReplyPart } from './bot';
import type {
  ClaimClock,
  ClaimRecord,
  ClaimResult,
  ClaimState,
  ConfirmResult,
  Fence,
  FencedWrite,
  LeaseResult,
  NewClaim,
  NewLease,
  NewQueuedClaim,
  StoredAnswer,
} from './claim-record';
import type { MessageKey, StatusUpdate, ValueLevelError } from './messages';
import type { OwnerPace } from './owner-pace';
import type { ProtocolTuning } from './tuning';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The dedup store: one conditional write claims a message, fenced writes settle it. */
export interface ClaimStore {
  claim(key: MessageKey, claim: NewClaim, clock: ClaimClock): Promise<ClaimResult>;
  /** Queued mode: the same condition as `claim`, writing a `queued` record with the reply's inputs. */
  enqueue(key: MessageKey, claim: NewQueuedClaim, clock: ClaimClock): Promise<ClaimResult>;
  /** Queued mode: the worker takes the record as attempt observed + 1 (see LEASE_CONDITION). */
  lease(key: MessageKey, lease: NewLease, clock: ClaimClock): Promise<LeaseResult>;
  /** A consistent read: the record as the last write left it. */
  read(key: MessageKey): Promise<ClaimRecord | undefined>;
  /**
   * An eventually consistent read (half the price of `read`): the record as some write left it,
   * possibly not the last one, possibly before its first. For status webhooks, which must not pay
   * a write to learn that a record is already settled.
   */
  peek(key: MessageKey): Promise<ClaimRecord | undefined>;
  complete(key: MessageKey, fence: Fence, outboundId: string | undefined): Promise<FencedWrite>;
  release(key: MessageKey, fence: Fence): Promise<FencedWrite>;
  markUnknown(key: MessageKey, fence: Fence, confirmBy: number): Promise<FencedWrite>;
  markFailed(key: MessageKey, fence: Fence, errorCode: number | undefined): Promise<FencedWrite>;
  /** A status webhook proved the reply left: settle the record as done, whoever owns it. */
  confirmSent(key: MessageKey, outboundId: string): Promise<ConfirmResult>;
  /** A multi-part answer, stored before its first part is sent (fenced while claimed; partsSent 0). */
  storeParts(key: MessageKey, fence: Fence, parts: StoredAnswer): Promise<FencedWrite>;
  /** Parts 0 .. partsSent - 1 of the stored answer are sent (fenced while claimed). */
  partSent(key: MessageKey, fence: Fence, partsSent: number): Promise<FencedWrite>;
  /**
   * A status proved parts 0 .. partsSent - 1 left: raise partsSent on a record that holds parts and
   * is not settled, whoever owns it; never lower it. Not confirmed: `current` is what refused it.
   */
  confirmPart(key: MessageKey, partsSent: number): Promise<ConfirmResult>;
}

/**
 * The store's operations by their method names: one vocabulary for store errors, their logs and the
 * `operation` / `write` metric dimensions, derived from the port so that the two cannot drift.
 */
export type ClaimOperation = keyof ClaimStore;

/** The fenced writes after the claim: those that settle it, and those of a multi-part answer. */
export type SettleWrite = Extract<
  ClaimOperation,
  'complete' | 'release' | 'markUnknown' | 'markFailed' | 'storeParts' | 'partSent'
>;

export interface OutboundReply {
  tenantId: string;
  to: string;
  /** One part of the bot's answer: one Graph message. */
  part: ReplyPart;
  /** The inbound wamid, quoted with `context.message_id`. */
  inReplyTo: string;
  /** Echoed by Meta on status webhooks as `biz_opaque_callback_data`. */
  callbackData: string | undefined;
  timeoutMs: number;
}

/**
 * sent      - Graph accepted the message.
 * retryable - definitely not sent, worth trying again (throttling, transient server error, refused connection).
 * permanent - definitely not sent and never will be (closed 24 h window, undeliverable, bad parameters, auth).
 * ambiguous - the request may have left (timeout, reset): it may or may not reach the user.
 */
export type SendResult =
  | { kind: 'sent'; outboundId: string | undefined }
  | { kind: 'retryable'; code: number | undefined; detail: string }
  | { kind: 'permanent'; code: number | undefined; detail: string }
  | { kind: 'ambiguous'; detail: string };

/** Graph's mark-as-read of an inbound message, with the typing indicator when `typing`. */
export interface ReadReceipt {
  tenantId: string;
  /** The inbound wamid. */
  messageId: string;
  typing: boolean;
  timeoutMs: number;
}

/** A courtesy, never a condition of the reply: a failure is reported and forgotten. */
export type ReadReceiptResult = 'ok' | 'failed';

export interface ReplySender {
  send(reply: OutboundReply): Promise<SendResult>;
  /** Marks an inbound message read (MARK_AS_READ, TYPING_INDICATOR); never throws. */
  markRead(receipt: ReadReceipt): Promise<ReadReceiptResult>;
}

/** The replaceable bot, defined with the answer's shapes in bot.ts. */
export type { Bot } from './bot';

export type DuplicateReason = 'already-processed' | 'in-flight' | 'same-batch';

/** Domain events, for logs and metrics; the domain never logs by itself. */
export interface ProtocolObserver {
  claimed(key: MessageKey, attempt: number, replaced: ClaimState | undefined): void;
  duplicate(key: MessageKey, reason: DuplicateReason): void;
  inFlightWaitEnded(key: MessageKey, outcome: 'settled' | 'takeover' | 'still-in-flight'): void;
  replySent(key: MessageKey, attempt: number): void;
  replyFailed(key: MessageKey, result: Exclude<SendResult, { kind: 'sent' }>, willRetry: boolean): void;
  settleWrite(key: MessageKey, write: SettleWrite, result: FencedWrite): void;
  storeError(key: MessageKey, operation: ClaimOperation, error: unknown): void;
  skipped(key: MessageKey, reason: 'bot-does-not-answer' | 'no-address' | 'no-time-left'): void;
  /** A status webhook settled an unsettled record: a send whose outcome was not recorded is now known. */
  statusReconciled(key: MessageKey, status: StatusUpdate): void;
  doubleReply(key: MessageKey, attempts: { confirmedAttempt: number; settledAttempt: number }): void;
  asyncReplyFailure(key: MessageKey, status: StatusUpdate): void;
  valueError(error: ValueLevelError): void;
  /** The owner's mark-as-read (and typing indicator) before composing: sent once, never retried. */
  readReceipt(key: MessageKey, result: ReadReceiptResult, typing: boolean): void;
  /** The 24 h customer-service window closed before a free-form reply: terminal, no Graph call. */
  windowClosed(key: MessageKey): void;
  /**
   * The owner composed an answer to a stale message (older than STALE_AFTER_SECONDS, window still
   * open). Not on a takeover that resumes a stored answer, which composes nothing.
   */
  staleComposed(key: MessageKey, ageSeconds: number): void;
}

/** Everything the message use cases need, built once per container by the composition root. */
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

/** A status webhook needs only the store, the observer and the time. */
export type ReconcileDeps = Pick<AnswerDeps, 'claims' | 'observer' | 'clock'>;

/** Queued mode: delayed re-drives of a message, by a managed queue (SQS with DelaySeconds). */
export interface RedriveQueue {
  /**
   * Durably schedules another try of `key` in about `delaySeconds` (0-900), fenced on the attempt
   * the caller observed. Throws RedriveError when it cannot: the trigger must then be retried.
   */
  schedule(key: MessageKey, observedAttempt: number, delaySeconds: number): Promise<void>;
}

export type RedriveReason =
  | 'retryable'
  | 'ambiguous'
  | 'lease-live'
  | 'released'
  | 'no-time-left'
  | 'contended';

/** Queued mode's worker events, for logs and metrics (beside ProtocolObserver's). */
export interface QueueObserver {
  /**
   * The worker took the send lease of a message the webhook already claimed (and counted): a lease is
   * not a second claim, so MessagesClaimed counts each message once.
   */
  leaseTaken(key: MessageKey, attempt: number): void;
  /** The worker's lease was refused: `current` is what blocked it. */
  leaseLost(key: MessageKey, observedAttempt: number, current: ClaimState | undefined): void;
  redriveScheduled(
    key: MessageKey,
    observedAttempt: number,
    delaySeconds: number,
    reason: RedriveReason,
  ): void;
  redriveFailed(key: MessageKey, error: unknown): void;
  /** A trigger the worker cannot use (a malformed re-drive message). */
  triggerRejected(reason: string): void;
}
