import type { BotUser, InboundContent, Referral } from '../domain/bot';
import { typeOf } from '../domain/messages';
import { contentOf, referralOf, userOf } from '../http/inbound-content';
import { isRecord } from '../json-object';

// The bot's input on a queued record: the typed content, the user and the referral, stored as one
// JSON string in Meta's own webhook shape (a `messages[]` item and its `contacts[]` entry) and read
// back with the webhook walk's parser. One parser validates both, the stored value cannot be cast
// into shape, and no schema compiler runs on the webhook's path. One attribute keeps the size easy
// to bound, and it is removed with the rest once the record is settled (personal data).

export interface StoredInbound {
  content: InboundContent;
  user: BotUser;
  referral?: Referral | undefined;
}

/**
 * At most 20 KiB. A DynamoDB item may hold 400 KB, but every KB written costs a write unit, and a
 * queued write is on every message's path. 20 KiB keeps a text of 4096 characters (what WhatsApp
 * lets a business send) whole even at 4 bytes a character. Larger inputs shrink, in this order: the referral goes,
 * then the text (or caption) is cut, then contact cards are dropped from the end, and as a last
 * resort the content becomes `other` with its type: the worker still answers, never fails on size.
 */
export const MAX_INBOUND_BYTES = 20 * 1024;

type Json = Record<string, unknown>;
const serialised = (inbound: StoredInbound): string => JSON.stringify(toWebhookShape(inbound));
const bytes = (inbound: StoredInbound): number => Buffer.byteLength(serialised(inbound));

/** Takes only the three fields from `source` (an outbox entry carries more). */
export function encodeInbound(source: StoredInbound): string {
  const { content, user, referral } = source;
  const bare = { content, user };
  const attempts: (() => StoredInbound | undefined)[] = [
    () => (referral === undefined ? bare : { ...bare, referral }),
    () => bare,
    () => shrinkContent(bare),
    () => ({ content: { type: 'other', originalType: typeOf(content) }, user }),
    () => ({ content: { type: 'other', originalType: 'unknown' }, user: {} }),
  ];
  for (const attempt of attempts) {
    const candidate = attempt();
    if (candidate && bytes(candidate) <= MAX_INBOUND_BYTES) return serialised(candidate);
  }
  return serialised({ content: { type: 'other', originalType: 'unknown' }, user: {} });
}

/**
 * The stored input. A record queued before typed content existed carries `text` only: it is read
 * as the text it was (or `other` of its type), so no queued message is lost in a deploy.
 */
export function decodeInbound(
  stored: unknown,
  legacy: { type: string; text: unknown; replyTo: string },
): StoredInbound | undefined {
  if (stored === undefined) return legacyInbound(legacy);
  const value = typeof stored === 'string' ? parse(stored) : undefined;
  const message = isRecord(value) ? value.message : undefined;
  const type = isRecord(message) ? message.type : undefined;
  if (!isRecord(value) || !isRecord(message) || typeof type !== 'string') return undefined;
  const referral = referralOf(message);
  return {
    content: contentOf(message, type),
    user: userOf(message, Array.isArray(value.contacts) ? value.contacts : []),
    ...(referral === undefined ? {} : { referral }),
  };
}

/** The inverse of the webhook walk: a `messages[]` item and a `contacts[]` entry Meta could have sent. */
function toWebhookShape({ content, user, referral }: StoredInbound): Json {
  const type = typeOf(content);
  const message: Json = {
    ...(user.phone === undefined ? {} : { from: user.phone }),
    ...(user.userId === undefined ? {} : { from_user_id: user.userId }),
    type,
    ...(content.type === 'other' ? {} : { [type]: bodyOf(content) }),
    ...(referral === undefined ? {} : { referral: referralBody(referral) }),
  };
  const profile = defined({ name: user.profileName, username: user.username });
  const contact = defined({
    wa_id: user.phone,
    user_id: user.userId,
    profile: Object.keys(profile).length > 0 ? profile : undefined,
  });
  return { message, contacts: Object.keys(contact).length > 0 ? [contact] : [] };
}

function bodyOf(content: Exclude<InboundContent, { type: 'other' }>): unknown {
  switch (content.type) {
    case 'text':
      return { body: content.body };
    case 'interactive': {
      const { kind, ...reply } = content.reply;
      return { type: kind, [kind]: reply };
    }
    case 'button':
      return { payload: content.payload, text: content.text };
    case 'location':
      return content.location;
    case 'contacts':
      return content.contacts;
    case 'reaction':
      return defined({ message_id: content.reaction.messageId, emoji: content.reaction.emoji });
    default: {
      const { id, mimeType, caption, filename, voice } = content.media;
      return defined({ id, mime_type: mimeType, caption, filename, voice });
    }
  }
}

const referralBody = (referral: Referral): Json =>
  defined({
    source_url: referral.sourceUrl,
    source_type: referral.sourceType,
    source_id: referral.sourceId,
    headline: referral.headline,
    body: referral.body,
    ctwa_clid: referral.ctwaClid,
  });

function legacyInbound(legacy: { type: string; text: unknown; replyTo: string }): StoredInbound {
  const content: InboundContent =
    legacy.type === 'text' && typeof legacy.text === 'string'
      ? { type: 'text', body: legacy.text }
      : { type: 'other', originalType: legacy.type };
  return {
    content,
    user: /^\+?\d+$/.test(legacy.replyTo) ? { phone: legacy.replyTo } : { userId: legacy.replyTo },
  };
}

function shrinkContent(inbound: StoredInbound): StoredInbound | undefined {
  const { content } = inbound;
  if (content.type === 'text') {
    // By code point, so a cut never splits a character (an emoji is two UTF-16 units).
    const chars = [...content.body];
    return longestFitting(chars.length, (n) => ({
      ...inbound,
      content: { ...content, body: chars.slice(0, n).join('') },
    }));
  }
  if (content.type === 'contacts') {
    return longestFitting(content.contacts.length, (n) => ({
      ...inbound,
      content: { ...content, contacts: content.contacts.slice(0, n) },
    }));
  }
  if ('media' in content && content.media.caption !== undefined) {
    const chars = [...content.media.caption];
    return longestFitting(chars.length, (n) => ({
      ...inbound,
      content: { ...content, media: { ...content.media, caption: chars.slice(0, n).join('') } },
    }));
  }
  return undefined;
}

/** The candidate with the largest `n` in [0, max] that fits, by bisection (a few stringify calls). */
function longestFitting(max: number, candidate: (n: number) => StoredInbound): StoredInbound | undefined {
  if (bytes(candidate(0)) > MAX_INBOUND_BYTES) return undefined;
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (bytes(candidate(mid)) <= MAX_INBOUND_BYTES) low = mid;
    else high = mid - 1;
  }
  return candidate(low);
}

function defined(fields: Json): Json {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
