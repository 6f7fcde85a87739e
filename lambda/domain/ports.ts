import type { ClaimState, FencedWrite } from './claim-record';
import type { InboundMessage, MessageKey, StatusUpdate, ValueLevelError } from './messages';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface OutboundReply {
  tenantId: string;
  to: string;
  text: string;
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

export interface ReplySender {
  send(reply: OutboundReply): Promise<SendResult>;
}

/** The replaceable bot: which messages it answers, and with what text. */
export interface Bot {
  answers(message: InboundMessage): boolean;
  compose(message: InboundMessage): Promise<string> | string;
}

export type DuplicateReason = 'already-processed' | 'in-flight' | 'same-batch';

/** Domain events, for logs and metrics; the domain never logs by itself. */
export interface ProtocolObserver {
  claimed(key: MessageKey, attempt: number, replaced: ClaimState | undefined): void;
  duplicate(key: MessageKey, reason: DuplicateReason): void;
  inFlightWaitEnded(key: MessageKey, outcome: 'settled' | 'takeover' | 'still-in-flight'): void;
  replySent(key: MessageKey, attempt: number): void;
  replyFailed(key: MessageKey, result: Exclude<SendResult, { kind: 'sent' }>, willRetry: boolean): void;
  settleWrite(
    key: MessageKey,
    write: 'complete' | 'release' | 'unknown' | 'failed',
    result: FencedWrite,
  ): void;
  storeError(key: MessageKey, operation: string, error: unknown): void;
  skipped(key: MessageKey, reason: 'bot-does-not-answer' | 'no-address' | 'no-time-left'): void;
  /** A status webhook settled an unsettled record: a send whose outcome was not recorded is now known. */
  statusReconciled(key: MessageKey, status: StatusUpdate): void;
  doubleReply(key: MessageKey, attempts: { confirmedAttempt: number; settledAttempt: number }): void;
  asyncReplyFailure(key: MessageKey, status: StatusUpdate): void;
  valueError(error: ValueLevelError): void;
}

/** Queued mode: delayed re-drives of a message, by a managed queue (SQS with DelaySeconds). */
export interface RedriveQueue {
  /**
   * Durably schedules another try of `key` in about `delaySeconds` (0-900), fenced on the attempt
   * the caller observed. Throws RedriveError when it cannot: the trigger must then be retried.
   */
  schedule(key: MessageKey, observedAttempt: number, delaySeconds: number): Promise<void>;
}

/** The re-drive queue could not be written; the trigger at hand must not be acknowledged. */
export class RedriveError extends Error {
  override name = 'RedriveError';
  constructor(options: { cause: unknown }) {
    super('Scheduling a re-drive failed', options);
  }
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
  /** The worker's lease was refused: `current` is what blocked it. */
  leaseLost(key: MessageKey, observedAttempt: number, current: ClaimState | undefined): void;
  redriveScheduled(
    key: MessageKey,
    observedAttempt: number,
    delaySeconds: number,
    reason: RedriveReason,
  ): void;
  redriveFailed(key: MessageKey, error: unknown): void;
  /** The 24 h customer-service window closed before a reply: terminal, no Graph call. */
  windowClosed(key: MessageKey): void;
  /** A trigger the worker cannot use (a malformed re-drive message). */
  triggerRejected(reason: string): void;
}
