import type { DynamoDBRecord } from 'aws-lambda';
import type { MessageKey } from '../domain/messages';
import { OUTBOX_ATTRIBUTES } from './claim-item';

export type StreamTrigger =
  | { kind: 'trigger'; key: MessageKey; observedAttempt: number }
  | { kind: 'ignored'; reason: 'not-queued' | 'no-image' | 'malformed' };

/**
 * A stream record the worker acts on: an INSERT or MODIFY whose new image is `queued`. Everything
 * else (the worker's own lease and settle writes, inline mode's records, TTL deletions) is ignored;
 * the mapping's filter criteria drop most of them before they get here.
 */
export function streamTriggerOf(record: DynamoDBRecord): StreamTrigger {
  const image = record.dynamodb?.NewImage;
  if (record.eventName === 'REMOVE' || image === undefined) return { kind: 'ignored', reason: 'no-image' };
  if (image.state?.S !== 'queued') return { kind: 'ignored', reason: 'not-queued' };
  const tenantId = image[OUTBOX_ATTRIBUTES.tenantId]?.S;
  const messageId = image[OUTBOX_ATTRIBUTES.messageId]?.S;
  const attempt = Number(image.attempt?.N);
  if (!tenantId || !messageId || !Number.isSafeInteger(attempt) || attempt < 1) {
    return { kind: 'ignored', reason: 'malformed' };
  }
  return { kind: 'trigger', key: { tenantId, messageId }, observedAttempt: attempt };
}
