import type { InboundMessage } from './messages';
import type { AnswerDeps } from './ports';
import { READ_RECEIPT_TIMEOUT_MS } from './tuning';

/**
 * The owner's mark-as-read (MARK_AS_READ) with the typing indicator (TYPING_INDICATOR, which is the
 * same Graph request with `typing_indicator`, so it marks the message read too). Sent once per
 * message: only by the owner of its first attempt (`first`), started right after the claim and run
 * beside the bot. Never throws and is never retried: its failure is reported and the reply goes on.
 * The owner awaits it before its first send (at most READ_RECEIPT_TIMEOUT_MS), so the indicator
 * cannot land after the reply and linger.
 */
export async function markReadOnce(
  deps: Pick<AnswerDeps, 'replies' | 'observer' | 'tuning'>,
  message: InboundMessage,
  first: boolean,
): Promise<void> {
  const { markAsRead, typingIndicator } = deps.tuning;
  if (!first || !(markAsRead || typingIndicator)) return;
  const { key } = message;
  const result = await deps.replies
    .markRead({
      tenantId: key.tenantId,
      messageId: key.messageId,
      typing: typingIndicator,
      timeoutMs: READ_RECEIPT_TIMEOUT_MS,
    })
    .catch(() => 'failed' as const);
  deps.observer.readReceipt(key, result, typingIndicator);
}
