// The bot platform's shared shapes (issue #13): what the user sent, what the bot knows besides it,
// and what it answers. Fixed by the design contract shared by the webhook walk, the bots, the
// Graph body builder and the multi-part protocol; change them in one place, here.
import type { InboundMessage } from './messages';

/** What the user sent, fully typed (parsed by the webhook walk from messages[]). */
export type InboundContent =
  | { type: 'text'; body: string }
  | {
      type: 'interactive';
      reply: { kind: 'button_reply' | 'list_reply'; id: string; title: string; description?: string };
    }
  /** The quick-reply button of a template. */
  | { type: 'button'; payload: string; text: string }
  | {
      type: MediaType;
      media: { id: string; mimeType?: string; caption?: string; filename?: string; voice?: boolean };
    }
  | {
      type: 'location';
      location: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
    }
  /** Meta's contact cards as sent. */
  | { type: 'contacts'; contacts: readonly unknown[] }
  /** `emoji` absent: the user removed their reaction. */
  | { type: 'reaction'; reaction: { messageId: string; emoji?: string } }
  /** Unsupported, system and unknown future types. */
  | { type: 'other'; originalType: string };

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** Where a user came from when they tapped an ad or a post (Click to WhatsApp). */
export interface Referral {
  sourceUrl?: string;
  sourceType?: string;
  sourceId?: string;
  headline?: string;
  body?: string;
  ctwaClid?: string;
}

/** Who wrote: a phone number, or since 2026 possibly only a business-scoped user id (BSUID). */
export interface BotUser {
  phone?: string;
  userId?: string;
  username?: string;
  profileName?: string;
}

/** What the bot knows besides the message. */
export interface BotContext {
  /** The business phone number's `phone_number_id`. */
  tenantId: string;
  user: BotUser;
  /** Seconds since the user sent the message (Meta's timestamp), >= 0. */
  ageSeconds: number;
  /** The 24 h customer-service window is still open: a free-form reply is allowed. */
  windowOpen: boolean;
  /** Older than STALE_AFTER_SECONDS (but window still open): answer with care (default bot apologises). */
  stale: boolean;
}

/** One part of an answer, sent as one Graph message. */
export type ReplyPart =
  | { kind: 'text'; body: string; previewUrl?: boolean }
  /** 1..3 buttons. */
  | {
      kind: 'buttons';
      body: string;
      buttons: readonly { id: string; title: string }[];
      header?: string;
      footer?: string;
    }
  | {
      kind: 'list';
      body: string;
      button: string;
      sections: readonly {
        title?: string;
        rows: readonly { id: string; title: string; description?: string }[];
      }[];
      header?: string;
      footer?: string;
    }
  /** Reacts to the inbound message. */
  | { kind: 'reaction'; emoji: string }
  /** Exactly one of `id` (uploaded media) and `link`. */
  | { kind: 'media'; mediaType: MediaType; id?: string; link?: string; caption?: string; filename?: string }
  | { kind: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { kind: 'template'; name: string; language: string; components?: readonly unknown[] };

export type ReplyKind = ReplyPart['kind'];

/** The bot's answer: parts sent in order; [] = no reply (the claim is settled `done` with no send). */
export type BotAnswer = readonly ReplyPart[];

/** The replaceable bot. A bot that does not answer a message returns `[]`; a failure throws. */
export interface Bot {
  compose(message: InboundMessage, context: BotContext): Promise<BotAnswer>;
}

export const textPart = (body: string): ReplyPart => ({ kind: 'text', body });

/**
 * The bot could not answer now (unreachable, timed out, an error status, a body that is not JSON):
 * retryable, the claim is given back as for any bot failure.
 */
export class BotError extends Error {
  override name = 'BotError';
}

/**
 * The bot answered, but not within the protocol (wrong version, a part that breaks the schema): a
 * permanent failure, since asking again yields the same answer. Compared by name (two bundled
 * copies of this module would break `instanceof`).
 */
export class InvalidBotAnswerError extends Error {
  override name = 'InvalidBotAnswerError';
}

export const isInvalidBotAnswer = (error: unknown): error is InvalidBotAnswerError =>
  error instanceof Error && error.name === 'InvalidBotAnswerError';
