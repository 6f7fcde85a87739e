/** The knobs of the claim protocol; parsed and validated by the config module at cold start. */
export interface ProtocolTuning {
  /** How long a dedup record lives; Meta retries for up to 7 days, so at least 8. */
  dedupTtlSeconds: number;
  /** The lease ends this long before the Lambda deadline, so a winner is dead before takeover. */
  leaseSafetyMs: number;
  /** Clock skew and status-webhook latency allowed before an ended lease may be taken over. */
  takeoverGraceMs: number;
  /** Longest a duplicate waits for an in-flight delivery before answering 5xx. */
  inFlightWaitMs: number;
  /** After an ambiguous send, how long a `sent` status has to confirm it before a resend. */
  ambiguousGraceMs: number;
  /** Upper bound of one Graph API call. */
  sendTimeoutMs: number;
  /** Graph calls per claim for retryable errors, backoff included, all inside the lease. */
  sendMaxAttempts: number;
  /** A message older than this is `stale` in the bot's context (STALE_AFTER_SECONDS). */
  staleAfterSeconds: number;
  /** MARK_AS_READ: the owner marks the message read once, before composing. */
  markAsRead: boolean;
  /** TYPING_INDICATOR: the same request shows "typing..." until the reply (at most 25 s). */
  typingIndicator: boolean;
}

// The fixed constants of the protocol: not configurable, because the model (model/params.pml) and the
// lease arithmetic assume them. Change them here and re-run `npm run model`.

/** Claim rounds per delivery: first try, takeover, and a lost race or two. */
export const MAX_CLAIM_ROUNDS = 4;
/** A send needs at least this long inside the lease, or it is not started. */
export const MIN_SEND_WINDOW_MS = 500;
/** The Graph call must end this long before the lease does. */
export const SEND_MARGIN_MS = 250;
/** First pause between Graph calls after a retryable error; it doubles on each retry. */
export const SEND_BACKOFF_MS = 200;
/** The longest the mark-as-read may take: it runs beside the bot and must not hold up the reply. */
export const READ_RECEIPT_TIMEOUT_MS = 1_000;
/** Pauses between tries of a settling write that hit a store error; then the lease decides. */
export const SETTLE_RETRY_DELAYS_MS: readonly number[] = [50, 150, 400];
