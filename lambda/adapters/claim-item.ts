import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TABLE_SCHEMA } from '../config/table-schema';
import type { ClaimRecord, ClaimState, OutboxEntry, StoredAnswer } from '../domain/claim-record';
import { ClaimStoreError } from '../domain/claim-store-error';
import type { ClaimOperation } from '../domain/ports';
import { decodeInbound } from './stored-inbound';

// The claim item as stored: its attribute names, and the one decoder of what a read or a failed
// condition returns.

/**
 * The reply's inputs on a queued record, and the key in plain attributes so the worker can read a
 * stream record without splitting `pk`. Removed (but the key) when the record is done or failed.
 */
export const OUTBOX_ATTRIBUTES = {
  tenantId: 'tenantId',
  messageId: 'messageId',
  replyTo: 'replyTo',
  type: 'type',
  /** The typed content, user and referral as JSON (stored-inbound.ts). */
  inbound: 'inbound',
  /** Before typed content: the text alone. Read for records queued before, removed with the rest. */
  text: 'text',
  msgTimestamp: 'msgTimestamp',
  queuedAt: 'queuedAt',
} as const;
/** A stored multi-part answer (JSON text) and how many of its parts are recorded as sent. */
export const PARTS_ATTRIBUTES = { parts: 'parts', partsSent: 'partsSent' } as const;
/** What a settled record must not keep. */
export const CONTENT_ATTRIBUTES = [
  OUTBOX_ATTRIBUTES.replyTo,
  OUTBOX_ATTRIBUTES.type,
  OUTBOX_ATTRIBUTES.inbound,
  OUTBOX_ATTRIBUTES.text,
  OUTBOX_ATTRIBUTES.msgTimestamp,
  // The bot's answer quotes the user as often as not.
  PARTS_ATTRIBUTES.parts,
];

export const removeClause = (names: string[]): string =>
  `REMOVE ${names.map((name) => `#${name}`).join(', ')}`;
export const removedNames = (names: string[]) => Object.fromEntries(names.map((name) => [`#${name}`, name]));

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The item a failed condition returned (ReturnValuesOnConditionCheckFailure), unmarshalled. */
export function itemOf(error: unknown): Record<string, unknown> | undefined {
  if (typeof error !== 'object' || error === null || !('Item' in error)) return undefined;
  const item = error.Item;
  return typeof item === 'object' && item !== null && Object.keys(item).length > 0
    ? unmarshall(item as Parameters<typeof unmarshall>[0])
    : undefined;
}

const STATES: readonly ClaimState[] = ['queued', 'claimed', 'unknown', 'released', 'done', 'failed'];

/** Validates a stored item; anything unexpected is a store error of the operation that read it, never a guess. */
export function toRecord(item: Record<string, unknown>, operation: ClaimOperation): ClaimRecord {
  const { state, owner, attempt, leaseUntil, outboundId, errorCode, claimedAt, partsSent } = item;
  const expiresAt = item[TABLE_SCHEMA.ttlAttribute];
  const validState = STATES.find((known) => known === state);
  if (
    validState === undefined ||
    typeof owner !== 'string' ||
    typeof attempt !== 'number' ||
    typeof leaseUntil !== 'number' ||
    typeof expiresAt !== 'number'
  ) {
    throw new ClaimStoreError(operation, { cause: new Error('stored claim record has an unexpected shape') });
  }
  return {
    state: validState,
    owner,
    attempt,
    leaseUntil,
    expiresAt,
    outboundId: typeof outboundId === 'string' ? outboundId : undefined,
    errorCode: typeof errorCode === 'number' ? errorCode : undefined,
    claimedAt: typeof claimedAt === 'number' ? claimedAt : undefined,
    outbox: outboxOf(item),
    parts: partsOf(item, operation),
    partsSent: typeof partsSent === 'number' ? partsSent : undefined,
  };
}

function partsOf(item: Record<string, unknown>, operation: ClaimOperation): StoredAnswer | undefined {
  const text = item[PARTS_ATTRIBUTES.parts];
  if (text === undefined) return undefined;
  const parts: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'object' && part !== null)) {
    throw new ClaimStoreError(operation, { cause: new Error('stored answer has an unexpected shape') });
  }
  return parts as StoredAnswer;
}

/** The reply's inputs, when the record carries them (queued mode, until settled). */
function outboxOf(item: Record<string, unknown>): OutboxEntry | undefined {
  const { replyTo, type, text, inbound, msgTimestamp, queuedAt } = item;
  if (typeof replyTo !== 'string' || typeof type !== 'string') return undefined;
  if (typeof msgTimestamp !== 'number' || typeof queuedAt !== 'number') return undefined;
  const stored = decodeInbound(inbound, { type, text, replyTo });
  if (stored === undefined) return undefined;
  return { replyTo, type, ...stored, msgTimestamp, queuedAt };
}
