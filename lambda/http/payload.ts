import {
  type InboundMessage,
  recordKey,
  type StatusUpdate,
  textOf,
  type ValueLevelError,
  type WebhookBatch,
} from '../domain/messages';
import { isRecord } from '../json-object';
import { contentOf, referralOf, userOf } from './inbound-content';

export type WalkResult = { kind: 'batch'; batch: WebhookBatch } | { kind: 'ignored'; reason: string };

type Json = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
/**
 * Meta's phone_number_id is a numeric id, and it becomes a path segment of the Graph URL: anything
 * else a segment cannot carry safely ("." and ".." collapse the path, "/" adds one) is malformed.
 * Letters and "_" stay accepted for the placeholders of Meta's documentation ("PHONE_NUMBER_ID").
 */
const GRAPH_ID = /^[A-Za-z0-9_-]+$/;
const graphId = (value: unknown): string | undefined =>
  typeof value === 'string' && GRAPH_ID.test(value) ? value : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const int = (value: unknown): number | undefined => (Number.isInteger(value) ? Number(value) : undefined);

/**
 * Walks every `entry[].changes[].value` of a WhatsApp Business Account webhook. Validates as it goes
 * (no casts of parsed JSON): items that lack an id or a phone_number_id are counted as malformed and
 * skipped; unknown message types are kept with their type so the bot can decide.
 */
export function walkWebhook(body: unknown): WalkResult {
  if (!isRecord(body)) return { kind: 'ignored', reason: 'body is not a JSON object' };
  if (body.object !== 'whatsapp_business_account') {
    return { kind: 'ignored', reason: 'object is not whatsapp_business_account' };
  }
  if (!Array.isArray(body.entry)) return { kind: 'ignored', reason: 'entry is not an array' };

  const batch: WebhookBatch = { messages: [], statuses: [], errors: [], malformed: 0 };
  for (const entry of body.entry) {
    const changes = isRecord(entry) ? entry.changes : undefined;
    if (!Array.isArray(changes)) {
      batch.malformed++;
      continue;
    }
    for (const change of changes) {
      if (!isRecord(change) || !isRecord(change.value)) {
        batch.malformed++;
        continue;
      }
      walkValue(change.value, batch);
    }
  }
  return { kind: 'batch', batch };
}

function walkValue(value: Json, batch: WebhookBatch): void {
  const tenantId = isRecord(value.metadata) ? graphId(value.metadata.phone_number_id) : undefined;
  for (const item of list(value.messages)) {
    const message = tenantId === undefined ? undefined : toMessage(item, tenantId, list(value.contacts));
    if (message) batch.messages.push(message);
    else batch.malformed++;
  }
  for (const item of list(value.statuses)) {
    const status = tenantId === undefined ? undefined : toStatus(item, tenantId);
    if (status) batch.statuses.push(status);
    else batch.malformed++;
  }
  for (const item of list(value.errors)) {
    batch.errors.push(toValueError(item, tenantId));
  }
}

/** Meta sends `timestamp` as a string of epoch seconds; anything else is left out, not guessed. */
function epochSecondsOf(value: unknown): number | undefined {
  const digits = typeof value === 'string' && /^\d{1,12}$/.test(value) ? value : undefined;
  if (digits !== undefined) return Number(digits);
  return Number.isSafeInteger(value) && Number(value) >= 0 ? Number(value) : undefined;
}

/** DynamoDB's limit for a partition key: a longer key could never be claimed, so it is malformed. */
const MAX_KEY_BYTES = 2048;

function toMessage(item: unknown, tenantId: string, contacts: unknown[]): InboundMessage | undefined {
  if (!isRecord(item)) return undefined;
  const messageId = nonEmpty(item.id);
  if (messageId === undefined) return undefined;
  if (Buffer.byteLength(recordKey({ tenantId, messageId })) > MAX_KEY_BYTES) return undefined;
  const type = nonEmpty(item.type) ?? 'unknown';
  const content = contentOf(item, type);
  const referral = referralOf(item);
  return {
    key: { tenantId, messageId },
    replyTo: nonEmpty(item.from) ?? nonEmpty(item.from_user_id),
    type,
    text: textOf(content),
    content,
    user: userOf(item, contacts),
    ...(referral === undefined ? {} : { referral }),
    timestamp: epochSecondsOf(item.timestamp),
  };
}

function toStatus(item: unknown, tenantId: string): StatusUpdate | undefined {
  if (!isRecord(item)) return undefined;
  const outboundId = nonEmpty(item.id);
  const status = nonEmpty(item.status);
  if (outboundId === undefined || status === undefined) return undefined;
  return {
    tenantId,
    outboundId,
    status,
    callbackData: nonEmpty(item.biz_opaque_callback_data),
    errorCodes: list(item.errors).flatMap((error) => {
      const code = isRecord(error) ? int(error.code) : undefined;
      return code === undefined ? [] : [code];
    }),
  };
}

function toValueError(item: unknown, tenantId: string | undefined): ValueLevelError {
  return {
    tenantId,
    code: isRecord(item) ? int(item.code) : undefined,
    title: isRecord(item) ? text(item.title) : undefined,
  };
}
