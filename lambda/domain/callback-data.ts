import type { MessageKey } from './messages';

/**
 * Every reply carries `biz_opaque_callback_data` naming the inbound message and attempt, so a `sent`
 * status webhook can settle the inbound record even when the sender died before recording the send.
 */
const PREFIX = 'wo1';
const SEPARATOR = '|';
const MAX_LENGTH = 512;

export interface CallbackData {
  key: MessageKey;
  attempt: number;
}

export function encodeCallbackData({ key, attempt }: CallbackData): string | undefined {
  const value = [PREFIX, String(attempt), key.tenantId, key.messageId].join(SEPARATOR);
  return value.length <= MAX_LENGTH && !key.tenantId.includes(SEPARATOR) ? value : undefined;
}

export function decodeCallbackData(value: string | undefined): CallbackData | undefined {
  if (value === undefined) return undefined;
  const [prefix, attempt, tenantId, ...rest] = value.split(SEPARATOR);
  const messageId = rest.join(SEPARATOR);
  const attemptNumber = Number(attempt);
  if (prefix !== PREFIX || !Number.isInteger(attemptNumber) || attemptNumber < 1) return undefined;
  if (!tenantId || !messageId) return undefined;
  return { key: { tenantId, messageId }, attempt: attemptNumber };
}
