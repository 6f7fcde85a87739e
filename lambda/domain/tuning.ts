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
}
