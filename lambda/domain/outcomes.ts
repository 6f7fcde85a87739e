/** Why a message must be delivered again: Meta gets a 5xx. */
export type RetryReason =
  | 'in-flight'
  | 'send-failed'
  | 'ambiguous-send'
  | 'no-time-left'
  | 'contended'
  /** Nothing was sent and the completion never landed: no status will ever settle the record. */
  | 'settle-failed';

/** What happened to one inbound message in one delivery. */
export type MessageOutcome =
  | { kind: 'replied' }
  /** Queued mode: the claim and its outbox entry are durable; the worker replies. */
  | { kind: 'queued' }
  | { kind: 'terminal'; reason: 'permanent-error' | 'no-address' | 'window-closed' }
  | { kind: 'no-reply' }
  | { kind: 'duplicate'; reason: 'already-processed' | 'in-flight' | 'same-batch' }
  | { kind: 'retry-later'; reason: RetryReason }
  | { kind: 'store-error' };

/** Done or terminal: Meta need not deliver this message again. */
export const isFinal = (outcome: MessageOutcome): boolean =>
  outcome.kind !== 'retry-later' && outcome.kind !== 'store-error';

export const retryLater = (reason: RetryReason): MessageOutcome => ({ kind: 'retry-later', reason });
