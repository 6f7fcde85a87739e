import { type BotAnswer, isInvalidBotAnswer, type ReplyPart } from './bot';
import { botContext } from './bot-context';
import { encodeCallbackData } from './callback-data';
import type { Fence, FencedWrite } from './claim-record';
import { isStoreError } from './claim-store-error';
import type { InboundMessage, MessageKey } from './messages';
import { type MessageOutcome, retryLater } from './outcomes';
import type { AnswerDeps, SendResult, SettleWrite } from './ports';
import { answerProblem } from './reply-limits';
import { MIN_SEND_WINDOW_MS, SEND_BACKOFF_MS, SEND_MARGIN_MS, SETTLE_RETRY_DELAYS_MS } from './tuning';

/** WhatsApp's limit on a text message body. */
export const MAX_REPLY_LENGTH = 4096;

/**
 * The winner's side: compose, send inside the lease, and settle the claim with a fenced write.
 * `claimedAt` is when this owner's claim was written, for the container's pace.
 */
export async function answerAsOwner(
  deps: AnswerDeps,
  message: InboundMessage,
  fence: Fence,
  leaseUntil: number,
  claimedAt: number,
): Promise<MessageOutcome> {
  const { key } = message;
  let answer: BotAnswer;
  try {
    const context = botContext(message, deps.clock.now(), deps.tuning.staleAfterSeconds);
    answer = (await deps.bot.compose(message, context)).map(truncated);
  } catch (error) {
    if (isInvalidBotAnswer(error)) return refuseAnswer(deps, key, fence, error.message);
    // A BotError's message is written to be logged (host, status, timeout; no text, no key).
    const reason = !(error instanceof Error)
      ? 'unknown error'
      : error.name === 'BotError'
        ? `${error.name}: ${error.message}`
        : error.name;
    const detail = `bot failed: ${reason}`;
    deps.observer.replyFailed(key, { kind: 'retryable', code: undefined, detail }, false);
    await settle(deps, key, 'release', () => deps.claims.release(key, fence));
    return retryLater('send-failed');
  }

  const problem = answerProblem(answer);
  if (problem !== undefined) return refuseAnswer(deps, key, fence, problem);

  // One part for now: the multi-part protocol (parts stored, resumed after a takeover) comes next.
  const part = answer[0];
  if (part === undefined) {
    deps.observer.skipped(key, 'bot-does-not-answer');
    await settle(deps, key, 'complete', () => deps.claims.complete(key, fence, undefined));
    return { kind: 'no-reply' };
  }
  const result = await sendWithRetries(deps, message, part, fence, leaseUntil);
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

/**
 * An answer Graph would refuse (Meta's limits, reply-limits.ts) or that breaks the bot protocol is
 * a permanent failure: the same bot gives the same answer on every retry, so the message ends
 * `failed` at once (logged and counted as a permanent reply failure) and Graph is never called.
 */
async function refuseAnswer(
  deps: AnswerDeps,
  key: MessageKey,
  fence: Fence,
  problem: string,
): Promise<MessageOutcome> {
  deps.observer.replyFailed(
    key,
    { kind: 'permanent', code: undefined, detail: `invalid bot answer: ${problem}` },
    false,
  );
  await settle(deps, key, 'markFailed', () => deps.claims.markFailed(key, fence, undefined));
  return { kind: 'terminal', reason: 'permanent-error' };
}

/** A text longer than WhatsApp takes is cut, as before, rather than refused. */
const truncated = (part: ReplyPart): ReplyPart =>
  part.kind === 'text' ? { ...part, body: part.body.slice(0, MAX_REPLY_LENGTH) } : part;

/** Retries retryable Graph errors with backoff, never letting a call outlive the lease. */
async function sendWithRetries(
  deps: AnswerDeps,
  message: InboundMessage,
  part: ReplyPart,
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
      part,
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
