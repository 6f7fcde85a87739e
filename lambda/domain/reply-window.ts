import type { BotAnswer } from './bot';
import type { InboundMessage } from './messages';

/** Meta refuses a free-form reply 24 h after the user's message (error 131047). */
export const REPLY_WINDOW_MS = 24 * 3_600_000;
/** A free-form reply is not started this close to the window's end: it could not arrive in time. */
const WINDOW_MARGIN_MS = 60_000;
/** What the record keeps as the reason of a reply refused by the window (Meta's own code). */
export const WINDOW_CLOSED_CODE = 131047;

/** The end of the message's 24 h customer-service window (epoch ms); none without a timestamp. */
export const windowEnd = (message: InboundMessage): number | undefined =>
  message.timestamp === undefined ? undefined : message.timestamp * 1000 + REPLY_WINDOW_MS;

/**
 * The one window policy of both reply modes: past the window (less its margin) only template parts
 * may be sent. `parts` are the parts still to send: a resumed answer is judged on what is left.
 */
export function windowAllows(message: InboundMessage, parts: BotAnswer, nowMs: number): boolean {
  const end = windowEnd(message);
  if (end === undefined || nowMs < end - WINDOW_MARGIN_MS) return true;
  return parts.every((part) => part.kind === 'template');
}
