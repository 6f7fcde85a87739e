import { isBotUser, isInboundContent, isReferral } from '../bots/protocol-validation';
import type { BotUser, InboundContent, Referral } from '../domain/bot';
import { typeOf } from '../domain/messages';
import { isRecord } from '../json-object';

// The bot's input on a queued record: the typed content, the user and the referral, as one JSON
// string attribute. One attribute keeps the size easy to bound, and the record is removed from it
// once settled (personal data). Read back through the protocol's schema, never cast.

export interface StoredInbound {
  content: InboundContent;
  user: BotUser;
  referral?: Referral | undefined;
}

/**
 * At most 16 KiB. A DynamoDB item may hold 400 KB, but every KB written costs a write unit, and a
 * queued write is on every message's path. 16 KiB keeps any text WhatsApp lets a business send
 * (4096 characters) whole in any script. Larger inputs shrink, in this order: the referral goes,
 * then the text (or caption) is cut, then contact cards are dropped from the end, and as a last
 * resort the content becomes `other` with its type: the worker still answers, never fails on size.
 */
export const MAX_INBOUND_BYTES = 16 * 1024;

const bytes = (value: StoredInbound): number => Buffer.byteLength(JSON.stringify(value));

/** Takes only the three fields from `source` (an outbox entry carries more). */
export function encodeInbound(source: StoredInbound): string {
  const { content, user, referral } = source;
  const inbound: StoredInbound = referral === undefined ? { content, user } : { content, user, referral };
  const attempts: (() => StoredInbound | undefined)[] = [
    () => inbound,
    () => ({ content: inbound.content, user: inbound.user }),
    () => shrinkContent({ content: inbound.content, user: inbound.user }),
    () => ({ content: { type: 'other', originalType: typeOf(inbound.content) }, user: inbound.user }),
  ];
  for (const attempt of attempts) {
    const candidate = attempt();
    if (candidate && bytes(candidate) <= MAX_INBOUND_BYTES) return JSON.stringify(candidate);
  }
  return JSON.stringify({ content: { type: 'other', originalType: 'unknown' }, user: {} });
}

function shrinkContent(inbound: StoredInbound): StoredInbound | undefined {
  const { content } = inbound;
  if (content.type === 'text') {
    return longestFitting(content.body.length, (n) => ({
      ...inbound,
      content: { ...content, body: content.body.slice(0, n) },
    }));
  }
  if (content.type === 'contacts') {
    return longestFitting(content.contacts.length, (n) => ({
      ...inbound,
      content: { ...content, contacts: content.contacts.slice(0, n) },
    }));
  }
  if ('media' in content && content.media.caption !== undefined) {
    const caption = content.media.caption;
    return longestFitting(caption.length, (n) => ({
      ...inbound,
      content: { ...content, media: { ...content.media, caption: caption.slice(0, n) } },
    }));
  }
  return undefined;
}

/** The candidate with the largest `n` in [0, max] that fits, by bisection (a few stringify calls). */
function longestFitting(max: number, candidate: (n: number) => StoredInbound): StoredInbound | undefined {
  let low = 0;
  let high = max;
  if (bytes(candidate(0)) > MAX_INBOUND_BYTES) return undefined;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (bytes(candidate(mid)) <= MAX_INBOUND_BYTES) low = mid;
    else high = mid - 1;
  }
  return candidate(low);
}

/**
 * The stored input, validated. A record queued before typed content existed carries `text` only:
 * it is read as the text it was (or `other` of its type), so no queued message is lost in a deploy.
 */
export function decodeInbound(
  stored: unknown,
  legacy: { type: string; text: unknown; replyTo: string },
): StoredInbound | undefined {
  if (stored === undefined) {
    const content: InboundContent =
      legacy.type === 'text' && typeof legacy.text === 'string'
        ? { type: 'text', body: legacy.text }
        : { type: 'other', originalType: legacy.type };
    return {
      content,
      user: /^\+?\d+$/.test(legacy.replyTo) ? { phone: legacy.replyTo } : { userId: legacy.replyTo },
    };
  }
  const value = typeof stored === 'string' ? parse(stored) : undefined;
  if (!isRecord(value) || !isInboundContent(value.content) || !isBotUser(value.user)) return undefined;
  if (value.referral !== undefined && !isReferral(value.referral)) return undefined;
  return {
    content: value.content,
    user: value.user,
    ...(value.referral === undefined ? {} : { referral: value.referral }),
  };
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
