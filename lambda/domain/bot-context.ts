import type { BotContext } from './bot';
import type { InboundMessage } from './messages';

/** Meta refuses a free-form reply 24 h after the user's message (error 131047). */
export const REPLY_WINDOW_SECONDS = 24 * 3600;
/** STALE_AFTER_SECONDS' default: an answer an hour late deserves an apology. */
export const DEFAULT_STALE_AFTER_SECONDS = 3600;

/**
 * What the bot knows besides the message, from Meta's timestamp and the clock. A message without a
 * timestamp counts as just sent: its age is unknown, and guessing it old would refuse a reply.
 * A timestamp in the future (clock skew) is age 0, never negative.
 */
export function botContext(
  message: InboundMessage,
  nowMs: number,
  staleAfterSeconds: number = DEFAULT_STALE_AFTER_SECONDS,
): BotContext {
  const sentAt = message.timestamp ?? Math.floor(nowMs / 1000);
  const ageSeconds = Math.max(0, Math.floor(nowMs / 1000) - sentAt);
  const windowOpen = ageSeconds < REPLY_WINDOW_SECONDS;
  return {
    tenantId: message.key.tenantId,
    user: message.user,
    ageSeconds,
    windowOpen,
    stale: windowOpen && ageSeconds > staleAfterSeconds,
  };
}
