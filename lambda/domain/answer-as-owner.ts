import { type BotAnswer, isInvalidBotAnswer, type ReplyPart } from './bot';
import { botContext } from './bot-context';
import { encodeCallbackData, type PartOf } from './callback-data';
import type { Fence, FencedWrite, StoredAnswer } from './claim-record';
import { isStoreError } from './claim-store-error';
import type { InboundMessage, MessageKey } from './messages';
import { type MessageOutcome, retryLater } from './outcomes';
import type { AnswerDeps, SendResult, SettleWrite } from './ports';
import { markReadOnce } from './read-receipt';
import { answerProblem } from './reply-limits';
import { WINDOW_CLOSED_CODE, windowAllows } from './reply-window';
import { MIN_SEND_WINDOW_MS, SEND_BACKOFF_MS, SEND_MARGIN_MS, SETTLE_RETRY_DELAYS_MS } from './tuning';

/** WhatsApp's limit on a text message body. */
export const MAX_REPLY_LENGTH = 4096;

/** What the owner holds: its fenced claim (or lease), and what a previous owner left of the answer. */
export interface OwnerClaim {
  fence: Fence;
  leaseUntil: number;
  /** When this owner's claim was written, for the container's pace. */
  claimedAt: number;
  /** A stored multi-part answer to resume at `partsSent`, never composed again; none: compose. */
  stored: { parts: StoredAnswer; partsSent: number } | undefined;
  /** The message's first owner: it sends the read receipt (MARK_AS_READ, TYPING_INDICATOR). */
  first: boolean;
}

/**
 * The winner's side: compose (or resume a stored answer), send each part inside the lease, and
 * settle the claim with fenced writes. An answer of two parts or more is stored before its first
 * part is sent and `partsSent` recorded after each, so a new owner resumes where this one stopped
 * (docs/PROTOCOL.md, "Multi-part answers"); a single part costs no write more than before.
 */
export async function answerAsOwner(
  deps: AnswerDeps,
  message: InboundMessage,
  owner: OwnerClaim,
): Promise<MessageOutcome> {
  const { key } = message;
  const { fence } = owner;
  const receipt = markReadOnce(deps, message, owner.first && owner.stored === undefined);
  let answer: BotAnswer;
  try {
    if (owner.stored?.parts !== undefined) {
      answer = owner.stored.parts;
    } else {
      const context = botContext(message, deps.clock.now(), deps.tuning.staleAfterSeconds);
      answer = (await deps.bot.compose(message, context)).map(truncated);
      if (context.stale) deps.observer.staleComposed(key, context.ageSeconds);
    }
  } catch (error) {
    await receipt;
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
  await receipt;

  const problem = answerProblem(answer);
  if (problem !== undefined) return refuseAnswer(deps, key, fence, problem);

  const from = owner.stored?.partsSent ?? 0;
  if (answer.length === 0) {
    // The bot does not answer (a reaction, a system notice): settled with no send.
    deps.observer.skipped(key, 'bot-does-not-answer');
    const settled = await settle(deps, key, 'complete', () => deps.claims.complete(key, fence, undefined));
    // Nothing was sent, so no `sent` status will ever settle this record: a completion that never
    // landed is left to the next delivery (inline: 503 and Meta delivers again; queued: a re-drive),
    // which takes the claim over once the lease ends, asks the bot again and completes.
    if (settled === 'store-error') return retryLater('settle-failed');
    return { kind: 'no-reply' };
  }
  if (!windowAllows(message, answer.slice(from), deps.clock.now())) {
    deps.observer.windowClosed(key);
    await settle(deps, key, 'markFailed', () => deps.claims.markFailed(key, fence, WINDOW_CLOSED_CODE));
    return { kind: 'terminal', reason: 'window-closed' };
  }
  if (answer.length > 1 && owner.stored === undefined) {
    // Stored before the first part leaves: a new owner must never compose a different answer.
    const stored = await settle(deps, key, 'storeParts', () => deps.claims.storeParts(key, fence, answer));
    if (stored !== 'written') {
      await settle(deps, key, 'release', () => deps.claims.release(key, fence));
      return retryLater('send-failed');
    }
  }
  return sendParts(deps, message, owner, answer, from);
}

async function sendParts(
  deps: AnswerDeps,
  message: InboundMessage,
  { fence, leaseUntil, claimedAt }: OwnerClaim,
  answer: BotAnswer,
  from: number,
): Promise<MessageOutcome> {
  const { key } = message;
  for (let index = from; index < answer.length; index++) {
    const part = answer[index] as ReplyPart;
    const of: PartOf = { index, count: answer.length };
    const result = await sendWithRetries(deps, message, truncated(part), fence, leaseUntil, of);
    switch (result.kind) {
      case 'sent': {
        if (index === answer.length - 1) {
          deps.observer.replySent(key, fence.attempt);
          await settle(deps, key, 'complete', () => deps.claims.complete(key, fence, result.outboundId));
          deps.pace.observe(deps.clock.now() - claimedAt);
          return { kind: 'replied' };
        }
        const recorded = await settle(deps, key, 'partSent', () =>
          deps.claims.partSent(key, fence, index + 1),
        );
        // Sent but not recorded: no release (a new owner would send this part again at once); the
        // lease runs out, and the part's status can still record it before a takeover.
        if (recorded !== 'written') return retryLater('ambiguous-send');
        continue;
      }
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
  // Every part was already sent (a status recorded the last but one, a takeover found no more).
  await settle(deps, key, 'complete', () => deps.claims.complete(key, fence, undefined));
  return { kind: 'replied' };
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
  of: PartOf,
): Promise<SendResult> {
  const { clock, tuning, observer } = deps;
  const callbackData = encodeCallbackData({ key: message.key, attempt: fence.attempt, part: of });
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
): Promise<FencedWrite | 'store-error'> {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await run();
      deps.observer.settleWrite(key, write, result);
      return result;
    } catch (error) {
      if (!isStoreError(error)) throw error;
      const delay = SETTLE_RETRY_DELAYS_MS[attempt];
      if (delay === undefined) {
        deps.observer.storeError(key, write, error.cause);
        return 'store-error';
      }
      await deps.clock.sleep(delay);
    }
  }
}
