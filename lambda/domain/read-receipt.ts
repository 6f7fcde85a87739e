import type { InboundMessage } from './messages';
import type { AnswerDeps } from './ports';
import { windowEnd } from './reply-window';
import { READ_RECEIPT_TIMEOUT_MS } from './tuning';

/**
 * The owner's mark-as-read (MARK_AS_READ) with the typing indicator (TYPING_INDICATOR, which is the
 * same Graph request with `typing_indicator`, so it marks the message read too). Sent once per
 * message: only by the owner of its first attempt (`first`), started right after the claim and run
 * beside the bot. Never throws and is never retried: its failure is reported and the reply goes on.
 * The owner awaits it before its first send (at most READ_RECEIPT_TIMEOUT_MS), so the indicator
 * cannot land after the reply and linger. Past the 24 h window no free-form reply can follow (only
 * a template the bot may choose), so the message is marked read without "typing...": Meta asks to
 * show the indicator only when a reply is on its way.
 */
export async function markReadOnce(
  deps: Pick<AnswerDeps, 'replies' | 'observer' | 'tuning' | 'clock'>,
  message: InboundMessage,
  first: boolean,
): Promise<void> {
  const { markAsRead, typingIndicator } = deps.tuning;
  if (!first || !(markAsRead || typingIndicator)) return;
  const { key } = message;
  const end = windowEnd(message);
  const typing = typingIndicator && (end === undefined || deps.clock.now() < end);
  const result = await deps.replies
    .markRead({
      tenantId: key.tenantId,
      messageId: key.messageId,
      typing,
      timeoutMs: READ_RECEIPT_TIMEOUT_MS,
    })
    .catch(() => 'failed' as const);
  deps.observer.readReceipt(key, result, typing);
}
