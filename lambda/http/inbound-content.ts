import type { BotUser, InboundContent, MediaType, Referral } from '../domain/bot';
import { isRecord } from '../json-object';

// What a user sent, read from one `messages[]` item of Meta's webhook (per-type references under
// .../whatsapp/webhooks/reference/messages/*). A shape we cannot read becomes `other` with its
// type, never a malformed item: the message still has a key and an address, and the bot decides.

type Json = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
/** Optional fields stay absent rather than `undefined`, so the content serialises as Meta sent it. */
const defined = <T extends object>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;

const MEDIA_TYPES: readonly MediaType[] = ['image', 'video', 'audio', 'document', 'sticker'];

export function contentOf(item: Json, type: string): InboundContent {
  return readContent(item, type) ?? { type: 'other', originalType: type };
}

function readContent(item: Json, type: string): InboundContent | undefined {
  const body = item[type];
  if (type === 'contacts') return Array.isArray(body) ? { type, contacts: body } : undefined;
  if (!isRecord(body)) return undefined;
  const media = MEDIA_TYPES.find((known) => known === type);
  if (media) return mediaOf(media, body);
  switch (type) {
    case 'text': {
      const text = str(body.body);
      return text === undefined ? undefined : { type, body: text };
    }
    case 'interactive':
      return interactiveOf(body);
    case 'button': {
      const payload = str(body.payload);
      const text = str(body.text);
      return payload === undefined || text === undefined ? undefined : { type, payload, text };
    }
    case 'location': {
      const latitude = finite(body.latitude);
      const longitude = finite(body.longitude);
      if (latitude === undefined || longitude === undefined) return undefined;
      const { name, address, url } = { name: str(body.name), address: str(body.address), url: str(body.url) };
      return { type, location: defined({ latitude, longitude, name, address, url }) };
    }
    case 'reaction': {
      const messageId = nonEmpty(body.message_id);
      // Meta omits `emoji` when the reaction is removed; older payloads sent "" [M-REACT].
      return messageId === undefined
        ? undefined
        : { type, reaction: defined({ messageId, emoji: nonEmpty(body.emoji) }) };
    }
    default:
      return undefined;
  }
}

function mediaOf(type: MediaType, body: Json): InboundContent | undefined {
  const id = nonEmpty(body.id);
  if (id === undefined) return undefined;
  const voice = body.voice === true ? true : undefined;
  const media = defined({
    id,
    mimeType: str(body.mime_type),
    caption: str(body.caption),
    filename: str(body.filename),
    voice,
  });
  return { type, media };
}

function interactiveOf(body: Json): InboundContent | undefined {
  const kind = body.type;
  if (kind !== 'button_reply' && kind !== 'list_reply') return undefined;
  const reply = body[kind];
  if (!isRecord(reply)) return undefined;
  const id = str(reply.id);
  const title = str(reply.title);
  if (id === undefined || title === undefined) return undefined;
  return { type: 'interactive', reply: defined({ kind, id, title, description: str(reply.description) }) };
}

/** Click-to-WhatsApp ad or post the user came from [M-TEXT]. */
export function referralOf(item: Json): Referral | undefined {
  const referral = item.referral;
  if (!isRecord(referral)) return undefined;
  return defined({
    sourceUrl: str(referral.source_url),
    sourceType: str(referral.source_type),
    sourceId: str(referral.source_id),
    headline: str(referral.headline),
    body: str(referral.body),
    ctwaClid: str(referral.ctwa_clid),
  });
}

/**
 * Who wrote: `from` (a phone number, "" for username users), `from_user_id` (the BSUID, 2026), and
 * the sender's `contacts[]` entry for the profile name, username and BSUID [M-BSUID]. The entry is
 * matched by wa_id or user_id; a lone entry is the sender's (Meta sends one per message).
 */
export function userOf(item: Json, contacts: readonly unknown[]): BotUser {
  const phone = nonEmpty(item.from);
  const fromUserId = nonEmpty(item.from_user_id);
  const records = contacts.filter(isRecord);
  const contact =
    records.find(
      (entry) =>
        (phone !== undefined && entry.wa_id === phone) ||
        (fromUserId !== undefined && entry.user_id === fromUserId),
    ) ?? (records.length === 1 ? records[0] : undefined);
  const profile = contact && isRecord(contact.profile) ? contact.profile : {};
  return defined({
    phone,
    userId: fromUserId ?? nonEmpty(contact?.user_id),
    username: nonEmpty(profile.username),
    profileName: nonEmpty(profile.name),
  });
}
