import { encodeCallbackData } from './callback-data';
import type { Fence, FencedWrite } from './claim-record';
import { isStoreError } from './claim-store-error';
import type { InboundMessage, MessageKey } from './messages';
import { type MessageOutcome, retryLater } from './outcomes';
import type { AnswerDeps, SendResult, SettleWrite } from './ports';
import { markReadOnce } from './read-receipt';
import { MIN_SEND_WINDOW_MS, SEND_BACKOFF_MS, SEND_MARGIN_MS, SETTLE_RETRY_DELAYS_MS } from './tuning';

/** WhatsApp's limit on a text message body. */
export const MAX_REPLY_LENGTH = 4096;

/**
 * The winner's side: compose, send inside the lease, and settle the claim with a fenced write.
 * `claimedAt` is when this owner's claim was written, for the container's pace. `first`: this is
 * the message's first owner (it sends the read receipt, if configured).
 */
export async function answerAsOwner(
  deps: AnswerDeps,
  message: InboundMessage,
  fence: Fence,
  leaseUntil: number,
  claimedAt: number,
  first: boolean,
): Promise<MessageOutcome> {
  const { key } = message;
  const receipt = markReadOnce(deps, message, first);
  let text: string;
  try {
    text = (await deps.bot.compose(message)).slice(0, MAX_REPLY_LENGTH);
    await receipt;
  } catch (error) {
    await receipt;
    const detail = `bot failed: ${error instanceof Error ? error.name : 'unknown error'}`;
    deps.observer.replyFailed(key, { kind: 'retryable', code: undefined, detail }, false);
    await settle(deps, key, 'release', () => deps.claims.release(key, fence));
    return retryLater('send-failed');
  }

  const result = await sendWithRetries(deps, message, text, fence, leaseUntil);
  switch (result.kind) {
    case 'sent':
      deps.observer.replySent(key, fence.attempt);
      await settle(deps, key, 'complete', () => deps.claims.complete(key, fence, result.outboundId));
      deps.pace.observe(deps.clock.now() - claimedAt);
      return { kind: 'replied' };
    case 'permanent':
      await settle(deps, key, 'markFailed', () => deps.claims.markFailed(key, fence, result.code));
      return { kind: 'terminal', reason: 'permanent-error' };
    case 'ambiguous': {
      const confirmBy = deps.clock.now() + deps.tuning.ambiguousGraceMs;
      await settle(deps, key, 'markUnknown', () => deps.claims.markUnknown(key, fence, confirmBy));
      return retryLater('ambiguous-send');
    }
    case 'retryable':
      await settle(deps, key, 'release', () => deps.claims.release(key, fence));
      return retryLater('send-failed');
  }
}

/** Retries retryable Graph errors with backoff, never letting a call outlive the lease. */
async function sendWithRetries(
  deps: AnswerDeps,
  message: InboundMessage,
  text: string,
  fence: Fence,
  leaseUntil: number,
): Promise<SendResult> {
  const { clock, tuning, observer } = deps;
  const callbackData = encodeCallbackData({ key: message.key, attempt: fence.attempt });
  let last: SendResult = { kind: 'retryable', code: undefined, detail: 'no time left in the lease to send' };
  for (let attempt = 1; attempt <= tuning.sendMaxAttempts; attempt++) {
    const leaseLeft = leaseUntil - SEND_MARGIN_MS - clock.now();
    if (leaseLeft < MIN_SEND_WINDOW_MS) break;
    const timeoutMs = Math.min(tuning.sendTimeoutMs, leaseLeft);
    last = await deps.replies.send({
      tenantId: message.key.tenantId,
      to: message.replyTo ?? '',
      text,
      inReplyTo: message.key.messageId,
      callbackData,
      timeoutMs,
    });
    if (last.kind === 'sent') return last;
    // Permanent and ambiguous failures end the attempt, but are reported like the rest (log, metric).
    if (last.kind !== 'retryable') {
      observer.replyFailed(message.key, last, false);
      return last;
    }
    const backoff = SEND_BACKOFF_MS * 2 ** (attempt - 1);
    const willRetry =
      attempt < tuning.sendMaxAttempts &&
      clock.now() + backoff + MIN_SEND_WINDOW_MS + SEND_MARGIN_MS < leaseUntil;
    observer.replyFailed(message.key, last, willRetry);
    if (!willRetry) return last;
    await clock.sleep(backoff);
  }
  return last;
}

/**
 * A fenced write after the claim, retried on store errors while time allows. When it still fails
 * the lease runs out and a later delivery decides; a `sent` status can still settle a sent reply.
 */
async function settle(
  deps: AnswerDeps,
  key: MessageKey,
  write: SettleWrite,
  run: () => Promise<FencedWrite>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      deps.observer.settleWrite(key, write, await run());
      return;
    } catch (error) {
      if (!isStoreError(error)) throw error;
      const delay = SETTLE_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        deps.observer.storeError(key, write, error.cause);
        return;
      }
      await deps.clock.sleep(delay);
    }
  }
}
