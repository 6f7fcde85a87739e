import { userCausedReason } from '../adapters/graph-error-codes';
import type { MessageKey } from '../domain/messages';
import type { SendResult } from '../domain/ports';

/**
 * `class` dimension of the ReplyFailures metric. `user-caused` (a closed window, a blocked number,
 * Meta's Test sample) is shown and never pages; `permanent` and `async` are refusals of ours or of the
 * account (token, parameters, permissions) and page; `retryable` and `ambiguous` page above a rate.
 */
export type ReplyFailureClass = Exclude<SendResult['kind'], 'sent'> | 'async' | 'user-caused';

/** The class a failed send is counted under. */
export function replyFailureClass(
  key: MessageKey,
  result: Exclude<SendResult, { kind: 'sent' }>,
): ReplyFailureClass {
  if (result.kind !== 'permanent') return result.kind;
  return userCausedReason(result.code, key.tenantId) === undefined ? 'permanent' : 'user-caused';
}

/** A failed status: user-caused only when every code it carries is (no code at all is not evidence). */
export function asyncFailureClass(key: MessageKey, errorCodes: readonly number[]): ReplyFailureClass {
  const userCaused =
    userCausedReason(undefined, key.tenantId) !== undefined ||
    (errorCodes.length > 0 && errorCodes.every((code) => userCausedReason(code, key.tenantId) !== undefined));
  return userCaused ? 'user-caused' : 'async';
}
