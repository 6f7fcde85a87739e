import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
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
  type NewClaim,
} from '../domain/claim-record';
import { ClaimStoreError } from '../domain/claim-store-error';
import { type MessageKey, recordKey } from '../domain/messages';
import type { ClaimOperation, ClaimStore, SettleWrite } from '../domain/ports';

const NAMES = {
  '#pk': TABLE_SCHEMA.partitionKey,
  '#expiresAt': TABLE_SCHEMA.ttlAttribute,
  '#state': 'state',
  '#owner': 'owner',
  '#attempt': 'attempt',
  '#leaseUntil': 'leaseUntil',
} as const;

/** The claim condition, clause by clause. */
const CLAIM_CONDITION = [
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

/** Every write after the claim is fenced: a zombie whose lease was taken over cannot overwrite. */
const FENCE = '#owner = :owner AND #attempt = :attempt';

export class DynamoDbClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(key: MessageKey, claim: NewClaim, clock: ClaimClock): Promise<ClaimResult> {
    try {
      const { Attributes } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [TABLE_SCHEMA.partitionKey]: recordKey(key),
            state: 'claimed' satisfies ClaimState,
            owner: claim.owner,
            attempt: claim.attempt,
            leaseUntil: claim.leaseUntil,
            [TABLE_SCHEMA.ttlAttribute]: claim.expiresAt,
            claimedAt: clock.nowMs,
          },
          ConditionExpression: CLAIM_CONDITION,
          ExpressionAttributeNames: CLAIM_NAMES,
          ExpressionAttributeValues: {
            ':nowSeconds': epochSeconds(clock.nowMs),
            ':attempt': claim.attempt,
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
      return { won: true, previous: Attributes ? toRecord(Attributes, 'claim') : undefined };
    } catch (error) {
      if (!isConditionFailure(error)) throw new ClaimStoreError('claim', { cause: error });
      // Stores that do not return the item on a failed condition (dynalite) cost one consistent read more.
      const item = itemOf(error);
      return { won: false, current: item ? toRecord(unmarshall(item), 'claim') : await this.read(key) };
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
    return this.fencedUpdate('complete', key, fence, values, false, ['outboundId']);
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
    return this.fencedUpdate('markFailed', key, fence, values, true);
  }

  async confirmSent(key: MessageKey, outboundId: string): Promise<ConfirmResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_SCHEMA.partitionKey]: recordKey(key) },
          UpdateExpression: 'SET #state = :done, #outboundId = :outboundId, #settledAt = :now',
          // Any record not yet proven sent, `failed` included (a reply did reach the user after all);
          // never a missing one: a status does not resurrect an expired-and-deleted record.
          ConditionExpression: 'attribute_exists(#pk) AND #state IN (:claimed, :unknown, :released, :failed)',
          ExpressionAttributeNames: {
            '#pk': NAMES['#pk'],
            '#state': NAMES['#state'],
            '#outboundId': 'outboundId',
            '#settledAt': 'settledAt',
          },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':outboundId': outboundId,
            ':now': this.now(),
            ':claimed': 'claimed',
            ':unknown': 'unknown',
            ':released': 'released',
            ':failed': 'failed',
          },
          // What the status settled (was the owner still alive?) or what blocked it (a resend
          // already done?): both come back with the write, no extra read.
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { confirmed: true, previous: Attributes ? toRecord(Attributes, 'confirmSent') : undefined };
    } catch (error) {
      if (isConditionFailure(error)) {
        const item = itemOf(error);
        return { confirmed: false, current: item ? toRecord(unmarshall(item), 'confirmSent') : undefined };
      }
      throw new ClaimStoreError('confirmSent', { cause: error });
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

  /** SET the given attributes if `fence` still owns the record (and, when asked, it is still `claimed`). */
  private async fencedUpdate(
    operation: SettleWrite,
    key: MessageKey,
    fence: Fence,
    values: Record<string, string | number>,
    onlyWhileClaimed: boolean,
    keepExisting: string[] = [],
  ): Promise<FencedWrite> {
    const entries = Object.entries({ ...values, settledAt: this.now() });
    const assign = (name: string) =>
      keepExisting.includes(name) ? `#${name} = if_not_exists(#${name}, :${name})` : `#${name} = :${name}`;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_SCHEMA.partitionKey]: recordKey(key) },
          UpdateExpression: `SET ${entries.map(([name]) => assign(name)).join(', ')}`,
          // A confirmed (done) record is never turned back into released, unknown or failed.
          ConditionExpression: onlyWhileClaimed ? `${FENCE} AND #state = :claimed` : FENCE,
          ExpressionAttributeNames: {
            '#owner': NAMES['#owner'],
            '#attempt': NAMES['#attempt'],
            ...(onlyWhileClaimed ? { '#state': NAMES['#state'] } : {}),
            ...Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
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

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

function itemOf(error: unknown) {
  if (typeof error !== 'object' || error === null || !('Item' in error)) return undefined;
  const item = error.Item;
  return typeof item === 'object' && item !== null && Object.keys(item).length > 0
    ? (item as Parameters<typeof unmarshall>[0])
    : undefined;
}

const STATES: readonly ClaimState[] = ['claimed', 'unknown', 'released', 'done', 'failed'];

/** Validates a stored item; anything unexpected is a store error of the operation that read it, never a guess. */
function toRecord(item: Record<string, unknown>, operation: ClaimOperation): ClaimRecord {
  const { state, owner, attempt, leaseUntil, outboundId, errorCode, claimedAt } = item;
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
  };
}
