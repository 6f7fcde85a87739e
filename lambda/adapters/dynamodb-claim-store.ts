import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from '../config/table-schema';
import {
  type ClaimClock,
  type ClaimRecord,
  type ClaimResult,
  type ClaimState,
  type ConfirmResult,
  epochSeconds,
  type Fence,
  type FencedWrite,
  type LeaseResult,
  type NewClaim,
  type NewLease,
  type NewQueuedClaim,
  type StoredAnswer,
} from '../domain/claim-record';
import { ClaimStoreError } from '../domain/claim-store-error';
import { type MessageKey, recordKey } from '../domain/messages';
import type { ClaimStore, SettleWrite } from '../domain/ports';
import {
  CONTENT_ATTRIBUTES,
  isConditionFailure,
  itemOf,
  OUTBOX_ATTRIBUTES,
  PARTS_ATTRIBUTES,
  removeClause,
  removedNames,
  toRecord,
} from './claim-item';
import { encodeInbound } from './stored-inbound';

const NAMES = {
  '#pk': TABLE_SCHEMA.partitionKey,
  '#expiresAt': TABLE_SCHEMA.ttlAttribute,
  '#state': 'state',
  '#owner': 'owner',
  '#attempt': 'attempt',
  '#leaseUntil': 'leaseUntil',
} as const;

/** The claim condition, clause by clause. */
export const CLAIM_CONDITION = [
  // A message never seen before.
  'attribute_not_exists(#pk)',
  // A record past its TTL: DynamoDB deletes expired items lazily (up to days later), so compare ourselves.
  '#expiresAt < :nowSeconds',
  // Takeover of the attempt we observed: given back after a retryable failure, or its owner's lease
  // (plus grace for clock skew and a late `sent` status) has run out. `#attempt < :attempt` lets only
  // one taker win per observed attempt and keeps attempt numbers increasing.
  '(#attempt < :attempt AND (#state = :released OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore)))',
].join(' OR ');

const { '#owner': _owner, ...CLAIM_NAMES } = NAMES;

/**
 * The takeover of a record that holds a stored answer: an UpdateItem, so that `parts` and
 * `partsSent` survive and the new owner resumes them (a PutItem would replace them, and the answer
 * would be composed and sent from its first part again). The claim condition minus its first two
 * clauses: such a record exists, and one past its TTL is a new life, claimed by the PutItem.
 */
export const TAKEOVER_CONDITION = [
  '#expiresAt >= :nowSeconds',
  '#attempt < :attempt',
  '(#state = :released OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore))',
].join(' AND ');

/** The states a status webhook may still settle: none proves a reply reached the user yet. */
const NOT_PROVEN_SENT = '#state IN (:claimed, :unknown, :released, :failed)';
const NOT_PROVEN_SENT_VALUES = {
  ':claimed': 'claimed',
  ':unknown': 'unknown',
  ':released': 'released',
  ':failed': 'failed',
} as const;

/** A part's status raises partsSent on a record holding a stored answer that is not settled. */
export const CONFIRM_PART_CONDITION = `attribute_exists(#parts) AND ${NOT_PROVEN_SENT} AND #partsSent < :partsSent`;

/** What an inline claim leaves out, as the PutItem it stands for: a queued record's outbox. */
const OUTBOX_ONLY = [
  OUTBOX_ATTRIBUTES.replyTo,
  OUTBOX_ATTRIBUTES.type,
  OUTBOX_ATTRIBUTES.inbound,
  OUTBOX_ATTRIBUTES.text,
  OUTBOX_ATTRIBUTES.msgTimestamp,
  OUTBOX_ATTRIBUTES.queuedAt,
];

/** The worker's lease (queued mode), clause by clause. */
export const LEASE_CONDITION = [
  // Fenced on the attempt the trigger (stream record or re-drive) observed: of every trigger that
  // saw this attempt, one wins; a stale trigger of an earlier attempt cannot take a later one.
  '#attempt = :observed',
  // Waiting for a worker (queued, or given back after a retryable failure), or its owner's lease
  // plus grace has run out (a worker killed mid-send, an ambiguous send whose grace is over).
  '(#state IN (:queued, :released) OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore))',
].join(' AND ');

/** Every write after the claim is fenced: a zombie whose lease was taken over cannot overwrite. */
const FENCE = '#owner = :owner AND #attempt = :attempt';

export class DynamoDbClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  claim(key: MessageKey, claim: NewClaim, clock: ClaimClock): Promise<ClaimResult> {
    const write = claim.keepParts ? this.takeOverKeepingParts.bind(this) : this.conditionalPut.bind(this);
    return write('claim', key, claim.attempt, clock, {
      state: 'claimed' satisfies ClaimState,
      owner: claim.owner,
      attempt: claim.attempt,
      leaseUntil: claim.leaseUntil,
      [TABLE_SCHEMA.ttlAttribute]: claim.expiresAt,
      claimedAt: clock.nowMs,
    });
  }

  enqueue(key: MessageKey, claim: NewQueuedClaim, clock: ClaimClock): Promise<ClaimResult> {
    const { outbox } = claim;
    const write = claim.keepParts ? this.takeOverKeepingParts.bind(this) : this.conditionalPut.bind(this);
    return write('enqueue', key, claim.attempt, clock, {
      state: 'queued' satisfies ClaimState,
      // No owner holds a lease yet: the worker's lease condition takes a queued record at once.
      owner: '',
      attempt: claim.attempt,
      leaseUntil: 0,
      [TABLE_SCHEMA.ttlAttribute]: claim.expiresAt,
      [OUTBOX_ATTRIBUTES.tenantId]: key.tenantId,
      [OUTBOX_ATTRIBUTES.messageId]: key.messageId,
      [OUTBOX_ATTRIBUTES.replyTo]: outbox.replyTo,
      [OUTBOX_ATTRIBUTES.type]: outbox.type,
      [OUTBOX_ATTRIBUTES.inbound]: encodeInbound(outbox),
      [OUTBOX_ATTRIBUTES.msgTimestamp]: outbox.msgTimestamp,
      [OUTBOX_ATTRIBUTES.queuedAt]: outbox.queuedAt,
    });
  }

  async lease(key: MessageKey, lease: NewLease, clock: ClaimClock): Promise<LeaseResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_SCHEMA.partitionKey]: recordKey(key) },
          UpdateExpression:
            'SET #state = :claimed, #owner = :owner, #attempt = :attempt, #leaseUntil = :leaseUntil, #claimedAt = :now',
          ConditionExpression: LEASE_CONDITION,
          ExpressionAttributeNames: {
            '#state': NAMES['#state'],
            '#owner': NAMES['#owner'],
            '#attempt': NAMES['#attempt'],
            '#leaseUntil': NAMES['#leaseUntil'],
            '#claimedAt': 'claimedAt',
          },
          ExpressionAttributeValues: {
            ':observed': lease.observedAttempt,
            ':attempt': lease.observedAttempt + 1,
            ':owner': lease.owner,
            ':leaseUntil': lease.leaseUntil,
            ':now': clock.nowMs,
            ':queued': 'queued',
            ':released': 'released',
            ':claimed': 'claimed',
            ':unknown': 'unknown',
            ':takeoverBefore': clock.takeoverBeforeMs,
          },
          // The leased record with the reply's inputs, on success: no read before the send.
          ReturnValues: 'ALL_NEW',
          // What blocked, on failure: settled, leased by someone else, or moved on.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      if (!Attributes) throw new Error('a successful lease returned no record');
      return { won: true, record: toRecord(Attributes, 'lease') };
    } catch (error) {
      if (!isConditionFailure(error)) throw new ClaimStoreError('lease', { cause: error });
      const item = itemOf(error);
      const current = item ? toRecord(item, 'lease') : await this.read(key);
      // The SDK retries a write whose answer timed out; if the first try landed, the retry fails
      // the condition on our own lease. Owners are unique per lease, so this record is ours.
      if (current && isOwnWrite(current, lease.owner, lease.observedAttempt + 1)) {
        return { won: true, record: current };
      }
      return { won: false, current };
    }
  }

  /** One conditional PutItem under CLAIM_CONDITION: the claim of inline mode and queued mode alike. */
  private async conditionalPut(
    operation: 'claim' | 'enqueue',
    key: MessageKey,
    attempt: number,
    clock: ClaimClock,
    item: Record<string, string | number>,
  ): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [TABLE_SCHEMA.partitionKey]: recordKey(key), ...item },
          ConditionExpression: CLAIM_CONDITION,
          ExpressionAttributeNames: CLAIM_NAMES,
          ExpressionAttributeValues: {
            ':nowSeconds': epochSeconds(clock.nowMs),
            ':attempt': attempt,
            ':released': 'released',
            ':claimed': 'claimed',
            ':unknown': 'unknown',
            ':takeoverBefore': clock.takeoverBeforeMs,
          },
          // The replaced record, on success: a takeover must know what it replaced.
          ReturnValues: 'ALL_OLD',
          // The blocking record, on failure: a duplicate costs this one request and no read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { won: true, previous: Attributes ? toRecord(Attributes, operation) : undefined };
    } catch (error) {
      if (!isConditionFailure(error)) throw new ClaimStoreError(operation, { cause: error });
      // Stores that do not return the item on a failed condition (dynalite) cost one consistent read more.
      const old = itemOf(error);
      return ownRetryOrLost(old ? toRecord(old, operation) : await this.read(key), item, attempt);
    }
  }

  /** The takeover under TAKEOVER_CONDITION: SET what the PutItem would write, keep the stored answer. */
  private async takeOverKeepingParts(
    operation: 'claim' | 'enqueue',
    key: MessageKey,
    attempt: number,
    clock: ClaimClock,
    item: Record<string, string | number>,
  ): Promise<ClaimResult> {
    const entries = Object.entries(item);
    // An inline claim drops the outbox, as its PutItem does; a queued one sets its own.
    const remove = operation === 'claim' ? OUTBOX_ONLY : [];
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_SCHEMA.partitionKey]: recordKey(key) },
          UpdateExpression: `SET ${entries.map(([name]) => `#v_${name} = :v_${name}`).join(', ')}${remove.length > 0 ? ` ${removeClause(remove)}` : ''}`,
          ConditionExpression: TAKEOVER_CONDITION,
          ExpressionAttributeNames: {
            '#expiresAt': NAMES['#expiresAt'],
            '#attempt': NAMES['#attempt'],
            '#state': NAMES['#state'],
            '#leaseUntil': NAMES['#leaseUntil'],
            ...Object.fromEntries(entries.map(([name]) => [`#v_${name}`, name])),
            ...removedNames(remove),
          },
          ExpressionAttributeValues: {
            ':nowSeconds': epochSeconds(clock.nowMs),
            ':attempt': attempt,
            ':released': 'released',
            ':claimed': 'claimed',
            ':unknown': 'unknown',
            ':takeoverBefore': clock.takeoverBeforeMs,
            ...Object.fromEntries(entries.map(([name, value]) => [`:v_${name}`, value])),
          },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { won: true, previous: Attributes ? toRecord(Attributes, operation) : undefined };
    } catch (error) {
      if (!isConditionFailure(error)) throw new ClaimStoreError(operation, { cause: error });
      const old = itemOf(error);
      return ownRetryOrLost(old ? toRecord(old, operation) : await this.read(key), item, attempt);
    }
  }

  read(key: MessageKey): Promise<ClaimRecord | undefined> {
    return this.get('read', key, true);
  }

  peek(key: MessageKey): Promise<ClaimRecord | undefined> {
    // Eventually consistent: half a read unit, and the status path only acts on what it may trust.
    return this.get('peek', key, false);
  }

  complete(key: MessageKey, fence: Fence, outboundId: string | undefined): Promise<FencedWrite> {
    const values: Record<string, string | number> = { state: 'done' };
    if (outboundId !== undefined) values.outboundId = outboundId;
    // A status may have recorded the first reply that reached the user already: keep that proof, so
    // a later status of a second reply is recognised as a double reply.
    return this.fencedUpdate('complete', key, fence, values, false, ['outboundId'], CONTENT_ATTRIBUTES);
  }

  release(key: MessageKey, fence: Fence): Promise<FencedWrite> {
    return this.fencedUpdate('release', key, fence, { state: 'released' }, true);
  }

  markUnknown(key: MessageKey, fence: Fence, confirmBy: number): Promise<FencedWrite> {
    return this.fencedUpdate('markUnknown', key, fence, { state: 'unknown', leaseUntil: confirmBy }, true);
  }

  markFailed(key: MessageKey, fence: Fence, errorCode: number | undefined): Promise<FencedWrite> {
    const values: Record<string, string | number> = { state: 'failed' };
    if (errorCode !== undefined) values.errorCode = errorCode;
    return this.fencedUpdate('markFailed', key, fence, values, true, [], CONTENT_ATTRIBUTES);
  }

  storeParts(key: MessageKey, fence: Fence, parts: StoredAnswer): Promise<FencedWrite> {
    const values = { [PARTS_ATTRIBUTES.parts]: JSON.stringify(parts), [PARTS_ATTRIBUTES.partsSent]: 0 };
    return this.fencedUpdate('storeParts', key, fence, values, true);
  }

  partSent(key: MessageKey, fence: Fence, partsSent: number): Promise<FencedWrite> {
    return this.fencedUpdate('partSent', key, fence, { [PARTS_ATTRIBUTES.partsSent]: partsSent }, true);
  }

  confirmPart(key: MessageKey, partsSent: number): Promise<ConfirmResult> {
    return this.confirmByStatus('confirmPart', key, {
      update: 'SET #partsSent = :partsSent',
      condition: CONFIRM_PART_CONDITION,
      names: { '#parts': PARTS_ATTRIBUTES.parts, '#partsSent': PARTS_ATTRIBUTES.partsSent },
      values: { ':partsSent': partsSent },
    });
  }

  confirmSent(key: MessageKey, outboundId: string): Promise<ConfirmResult> {
    return this.confirmByStatus('confirmSent', key, {
      update: `SET #state = :done, #outboundId = :outboundId, #settledAt = :now ${removeClause(CONTENT_ATTRIBUTES)}`,
      // Any record not yet proven sent, `failed` included (a reply did reach the user after all);
      // never a missing one: a status does not resurrect an expired-and-deleted record.
      condition: `attribute_exists(#pk) AND ${NOT_PROVEN_SENT}`,
      names: {
        '#pk': NAMES['#pk'],
        '#outboundId': 'outboundId',
        '#settledAt': 'settledAt',
        ...removedNames(CONTENT_ATTRIBUTES),
      },
      values: { ':done': 'done', ':outboundId': outboundId, ':now': this.now() },
    });
  }

  /**
   * A status webhook's write on a record not yet proven sent. What it settled (was the owner still
   * alive?) or what blocked it (a resend already done?) both come back with the write, no extra read.
   */
  private async confirmByStatus(
    operation: 'confirmPart' | 'confirmSent',
    key: MessageKey,
    write: {
      update: string;
      condition: string;
      names: Record<string, string>;
      values: Record<string, unknown>;
    },
  ): Promise<ConfirmResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_SCHEMA.partitionKey]: recordKey(key) },
          UpdateExpression: write.update,
          ConditionExpression: write.condition,
          ExpressionAttributeNames: { '#state': NAMES['#state'], ...write.names },
          ExpressionAttributeValues: { ...NOT_PROVEN_SENT_VALUES, ...write.values },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { confirmed: true, previous: Attributes ? toRecord(Attributes, operation) : undefined };
    } catch (error) {
      if (isConditionFailure(error)) {
        const item = itemOf(error);
        return { confirmed: false, current: item ? toRecord(item, operation) : undefined };
      }
      throw new ClaimStoreError(operation, { cause: error });
    }
  }

  private async get(
    operation: 'read' | 'peek',
    key: MessageKey,
    consistent: boolean,
  ): Promise<ClaimRecord | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [TABLE_SCHEMA.partitionKey]: recordKey(key) },
          ConsistentRead: consistent,
        }),
      );
      return Item ? toRecord(Item, operation) : undefined;
    } catch (error) {
      throw new ClaimStoreError(operation, { cause: error });
    }
  }

  /**
   * SET the given attributes if `fence` still owns the record (and, when asked, it is still `claimed`);
   * REMOVE `remove` (a settled record keeps no message content).
   */
  private async fencedUpdate(
    operation: SettleWrite,
    key: MessageKey,
    fence: Fence,
    values: Record<string, string | number>,
    onlyWhileClaimed: boolean,
    keepExisting: string[] = [],
    remove: string[] = [],
  ): Promise<FencedWrite> {
    const entries = Object.entries({ ...values, settledAt: this.now() });
    const assign = (name: string) =>
      keepExisting.includes(name) ? `#${name} = if_not_exists(#${name}, :${name})` : `#${name} = :${name}`;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_SCHEMA.partitionKey]: recordKey(key) },
          UpdateExpression: `SET ${entries.map(([name]) => assign(name)).join(', ')}${remove.length > 0 ? ` ${removeClause(remove)}` : ''}`,
          // A confirmed (done) record is never turned back into released, unknown or failed.
          ConditionExpression: onlyWhileClaimed ? `${FENCE} AND #state = :claimed` : FENCE,
          ExpressionAttributeNames: {
            '#owner': NAMES['#owner'],
            '#attempt': NAMES['#attempt'],
            ...(onlyWhileClaimed ? { '#state': NAMES['#state'] } : {}),
            ...Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
            ...removedNames(remove),
          },
          ExpressionAttributeValues: {
            ':owner': fence.owner,
            ':attempt': fence.attempt,
            ...(onlyWhileClaimed ? { ':claimed': 'claimed' } : {}),
            ...Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])),
          },
        }),
      );
      return 'written';
    } catch (error) {
      if (isConditionFailure(error)) return 'fenced-out';
      throw new ClaimStoreError(operation, { cause: error });
    }
  }
}

/** The record carries this owner's fence: it is the write the caller made, not a rival's. */
const isOwnWrite = (record: ClaimRecord, owner: string, attempt: number): boolean =>
  record.owner === owner && record.attempt === attempt && record.state === 'claimed';

/**
 * A failed claim whose record shows the claimer's own fence is the claimer's first try, landed
 * before the SDK retried it after a timeout: won. What it replaced is no longer known, except a
 * stored multi-part answer, which a takeover keeps (and `partsSent` only grows): it is handed back as
 * `previous` so that the owner resumes it instead of composing again. Without this the owner would
 * take its own claim for a rival's and wait for itself. A queued claim has no owner yet: its retry
 * looks like a copy and is answered 200 like one; the worker replies.
 */
function ownRetryOrLost(
  current: ClaimRecord | undefined,
  written: Record<string, string | number>,
  attempt: number,
): ClaimResult {
  const owner = written[NAMES['#owner']];
  if (current && typeof owner === 'string' && isOwnWrite(current, owner, attempt)) {
    return { won: true, previous: current.parts === undefined ? undefined : current };
  }
  return { won: false, current };
}
