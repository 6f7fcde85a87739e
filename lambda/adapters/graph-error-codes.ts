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

/**
 * Permanent outcomes the user (or Meta's own sample) caused, not the service: counted under their own
 * `class` dimension (`user-caused`) and shown on the dashboard, never fed to a paging alarm. A code not
 * listed here that a resend will not fix (a bad parameter, an expired token, a permission) is a fault
 * of ours or of the account, and pages.
 */
export const USER_CAUSED_GRAPH_CODES: ReadonlyMap<number, string> = new Map([
  [131047, 're-engagement: more than 24 h since the user last wrote'],
  [131026, 'undeliverable: blocked the number, no WhatsApp, or an old app'],
  [131049, 'Meta chose not to deliver to this user for now'],
  [131050, 'the user stopped marketing messages'],
  [131021, 'recipient is the sender'],
  [131030, 'recipient not in the test number allowed list'],
]);

/**
 * The phone_number_id of the sample payload Meta's dashboard _Test_ button sends: a reply to it fails
 * at Graph whatever the code (the number is not ours), and that is expected, not a fault.
 */
export const META_SAMPLE_PHONE_NUMBER_ID = '123456123';

/** Why a permanent failure is the user's (or the sample's) doing, or undefined when it is ours. */
export function userCausedReason(code: number | undefined, tenantId: string): string | undefined {
  if (tenantId === META_SAMPLE_PHONE_NUMBER_ID) return "Meta's Test-button sample";
  return code === undefined ? undefined : USER_CAUSED_GRAPH_CODES.get(code);
}

/** Graph's "access token expired or invalid": worth one re-read of the secret, then one more try. */
export const EXPIRED_TOKEN_CODE = 190;

export type GraphErrorClass = 'retryable' | 'permanent' | 'ambiguous';

export function classifyGraphError(httpStatus: number, code: number | undefined): GraphErrorClass {
  if (code !== undefined) return RETRYABLE_GRAPH_CODES.has(code) ? 'retryable' : 'permanent';
  // No Graph error body: a gateway in front of Graph answered. 504 means it may still have passed it on.
  if (httpStatus === 504) return 'ambiguous';
  return httpStatus >= 500 || httpStatus === 429 ? 'retryable' : 'permanent';
}
