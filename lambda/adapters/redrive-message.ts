import type { MessageKey } from '../domain/messages';
import { isRecord } from '../json-object';

/** The body of one re-drive message on the SQS queue (version 1). */
export interface RedriveMessage {
  key: MessageKey;
  /** The record's attempt when the re-drive was scheduled: the lease is fenced on it. */
  observedAttempt: number;
}

export const encodeRedriveMessage = ({ key, observedAttempt }: RedriveMessage): string =>
  JSON.stringify({ v: 1, tenantId: key.tenantId, messageId: key.messageId, attempt: observedAttempt });

/** Validates a received body; anything else is rejected, never guessed at. */
export function decodeRedriveMessage(body: string): RedriveMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.v !== 1) return undefined;
  const { tenantId, messageId, attempt } = parsed;
  if (typeof tenantId !== 'string' || tenantId === '' || typeof messageId !== 'string' || messageId === '') {
    return undefined;
  }
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1) return undefined;
  return { key: { tenantId, messageId }, observedAttempt: attempt };
}
