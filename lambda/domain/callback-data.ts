import type { MessageKey } from './messages';

/**
 * Every reply carries `biz_opaque_callback_data` naming the inbound message and attempt, so a `sent`
 * status webhook can settle the inbound record even when the sender died before recording the send.
 * A part of a multi-part answer also names its index and the number of parts (`wo2`), so that its
 * status settles exactly that part; a single-part answer keeps the `wo1` form, which records written
 * before multi-part answers (in flight during a deploy) carry too.
 */
const PREFIX = 'wo1';
const PARTS_PREFIX = 'wo2';
const SEPARATOR = '|';
const MAX_LENGTH = 512;

/** Part `index` (from 0) of an answer of `count` parts. */
export interface PartOf {
  index: number;
  count: number;
}

export interface CallbackData {
  key: MessageKey;
  attempt: number;
  /** Absent: a single-part answer (or one sent before multi-part answers). */
  part?: PartOf | undefined;
}

export function encodeCallbackData({ key, attempt, part }: CallbackData): string | undefined {
  const fields =
    part === undefined || part.count <= 1
      ? [PREFIX, String(attempt)]
      : [PARTS_PREFIX, String(attempt), String(part.index), String(part.count)];
  const value = [...fields, key.tenantId, key.messageId].join(SEPARATOR);
  return value.length <= MAX_LENGTH && !key.tenantId.includes(SEPARATOR) ? value : undefined;
}

export function decodeCallbackData(value: string | undefined): CallbackData | undefined {
  if (value === undefined) return undefined;
  const [prefix, attempt, ...rest] = value.split(SEPARATOR);
  const attemptNumber = Number(attempt);
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) return undefined;
  if (prefix === PREFIX) return withKey(rest, attemptNumber, undefined);
  if (prefix !== PARTS_PREFIX) return undefined;
  const [index, count, ...keyFields] = rest;
  const part = { index: Number(index), count: Number(count) };
  if (!Number.isInteger(part.index) || !Number.isInteger(part.count)) return undefined;
  if (part.index < 0 || part.count < 2 || part.index >= part.count) return undefined;
  return withKey(keyFields, attemptNumber, part);
}

function withKey(fields: string[], attempt: number, part: PartOf | undefined): CallbackData | undefined {
  const [tenantId, ...rest] = fields;
  const messageId = rest.join(SEPARATOR);
  if (!tenantId || !messageId) return undefined;
  return part === undefined
    ? { key: { tenantId, messageId }, attempt }
    : { key: { tenantId, messageId }, attempt, part };
}
