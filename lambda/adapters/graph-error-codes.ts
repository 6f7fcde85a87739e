/**
 * Meta's Graph error codes a resend can fix: throttling (which arrives as HTTP 400) and transient
 * server trouble. Everything else a resend will not fix: the 24 h window closed (131047),
 * undeliverable (131026), bad parameters, auth, permissions, policy. Source: Meta's error-code
 * reference, as summarised in the project's research notes.
 */
export const RETRYABLE_GRAPH_CODES: ReadonlySet<number> = new Set([
  4, // app call rate limit
  80007, // WABA rate limit
  130429, // Cloud API throughput reached
  131056, // business/consumer pair rate limit
  1, // possible server error
  2, // temporary downtime or overload
  131000, // something went wrong, try again
  131016, // service unavailable
  131057, // maintenance mode
  133004, // server temporarily unavailable
]);

/** Connection failures that prove the request never reached Graph, so it cannot have been sent. */
export const NOT_SENT_TRANSPORT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export type GraphErrorClass = 'retryable' | 'permanent' | 'ambiguous';

export function classifyGraphError(httpStatus: number, code: number | undefined): GraphErrorClass {
  if (code !== undefined) return RETRYABLE_GRAPH_CODES.has(code) ? 'retryable' : 'permanent';
  // No Graph error body: a gateway in front of Graph answered. 504 means it may still have passed it on.
  if (httpStatus === 504) return 'ambiguous';
  return httpStatus >= 500 || httpStatus === 429 ? 'retryable' : 'permanent';
}
