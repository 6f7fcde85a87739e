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
