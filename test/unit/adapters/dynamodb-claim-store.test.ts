import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbClaimStore } from '../../../lambda/adapters/dynamodb-claim-store';

const KEY = { tenantId: '106540352242922', messageId: 'wamid.A' };
const PK = '106540352242922#wamid.A';
const NOW = 1_800_000_000_123;
const CLOCK = { nowMs: NOW, takeoverBeforeMs: NOW - 3_000 };
const CLAIM = { owner: 'owner-1', attempt: 1, leaseUntil: NOW + 18_000, expiresAt: 1_800_691_200 };
const STORED = {
  pk: PK,
  state: 'done',
  owner: 'owner-0',
  attempt: 1,
  leaseUntil: NOW - 1,
  expiresAt: 1_800_691_000,
  outboundId: 'wamid.out',
};

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(documentClient);
const store = new DynamoDbClaimStore(documentClient, 'claims', () => NOW);

const conditionFailed = (item?: Record<string, unknown>) =>
  Object.assign(
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
    {
      Item: item ? marshall(item) : undefined,
    },
  );

beforeEach(() => {
  ddb.reset();
});

describe('DynamoDbClaimStore.claim', () => {
  it('sends one conditional PutItem that wins on a new, expired, released or lease-expired record', async () => {
    ddb.on(PutCommand).resolves({});

    await expect(store.claim(KEY, CLAIM, CLOCK)).resolves.toEqual({ won: true, previous: undefined });

    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'claims',
      Item: {
        pk: PK,
        state: 'claimed',
        owner: 'owner-1',
        attempt: 1,
        leaseUntil: NOW + 18_000,
        expiresAt: 1_800_691_200,
        claimedAt: NOW,
      },
      ConditionExpression:
        'attribute_not_exists(#pk) OR #expiresAt < :nowSeconds OR ' +
        '(#attempt < :attempt AND (#state = :released OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore)))',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#expiresAt': 'expiresAt',
        '#state': 'state',
        '#attempt': 'attempt',
        '#leaseUntil': 'leaseUntil',
      },
      ExpressionAttributeValues: {
        ':nowSeconds': 1_800_000_000,
        ':attempt': 1,
        ':released': 'released',
        ':claimed': 'claimed',
        ':unknown': 'unknown',
        ':takeoverBefore': NOW - 3_000,
      },
      ReturnValues: 'ALL_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('returns the record it replaced on a takeover', async () => {
    ddb.on(PutCommand).resolves({ Attributes: { ...STORED, state: 'claimed' } });
    const result = await store.claim(KEY, CLAIM, CLOCK);
    expect(result).toEqual({
      won: true,
      previous: expect.objectContaining({ state: 'claimed', owner: 'owner-0' }),
    });
  });

  it('reads the blocking record from the failed condition without a GetItem', async () => {
    ddb.on(PutCommand).rejects(conditionFailed(STORED));

    const result = await store.claim(KEY, CLAIM, CLOCK);

    expect(result).toEqual({
      won: false,
      current: {
        state: 'done',
        owner: 'owner-0',
        attempt: 1,
        leaseUntil: NOW - 1,
        expiresAt: 1_800_691_000,
        outboundId: 'wamid.out',
        errorCode: undefined,
      },
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("takes a failed condition on its own fence for its own first try, landed before the SDK's retry", async () => {
    // The SDK retries a PutItem whose answer timed out: the retry finds the claim the first try wrote.
    const own = {
      pk: PK,
      state: 'claimed',
      owner: 'owner-1',
      attempt: 1,
      leaseUntil: NOW + 18_000,
      expiresAt: 1_800_691_200,
    };
    ddb.on(PutCommand).rejects(conditionFailed(own));
    await expect(store.claim(KEY, CLAIM, CLOCK)).resolves.toEqual({ won: true, previous: undefined });
  });

  it('stays lost when the record holds the same attempt under another owner', async () => {
    const rival = {
      pk: PK,
      state: 'claimed',
      owner: 'owner-2',
      attempt: 1,
      leaseUntil: NOW + 18_000,
      expiresAt: 1_800_691_200,
    };
    ddb.on(PutCommand).rejects(conditionFailed(rival));
    const result = await store.claim(KEY, CLAIM, CLOCK);
    expect(result).toMatchObject({ won: false, current: { owner: 'owner-2', state: 'claimed' } });
  });

  it('falls back to one consistent GetItem when the store returns no item with the failure', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: STORED });

    const result = await store.claim(KEY, CLAIM, CLOCK);

    expect(result.won).toBe(false);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'claims',
      Key: { pk: PK },
      ConsistentRead: true,
    });
  });

  it('wraps any other failure in a ClaimStoreError so the caller fails closed', async () => {
    ddb
      .on(PutCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(store.claim(KEY, CLAIM, CLOCK)).rejects.toMatchObject({
      name: 'ClaimStoreError',
      operation: 'claim',
      cause: expect.objectContaining({ name: 'ProvisionedThroughputExceededException' }),
    });
  });

  it('refuses a stored item of an unexpected shape instead of guessing', async () => {
    ddb.on(PutCommand).rejects(conditionFailed({ pk: PK, state: 'weird' }));
    await expect(store.claim(KEY, CLAIM, CLOCK)).rejects.toMatchObject({
      name: 'ClaimStoreError',
      operation: 'claim',
    });
  });
});

describe('DynamoDbClaimStore fenced writes', () => {
  const FENCE = { owner: 'owner-1', attempt: 2 };

  it('completes only while the same owner and attempt hold the record', async () => {
    ddb.on(UpdateCommand).resolves({});

    await expect(store.complete(KEY, FENCE, 'wamid.out')).resolves.toBe('written');

    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'claims',
      Key: { pk: PK },
      // The first proof of a send is kept: a status may have recorded it before this completion.
      // A settled record keeps no message content (queued mode's outbox attributes).
      UpdateExpression:
        'SET #state = :state, #outboundId = if_not_exists(#outboundId, :outboundId), #settledAt = :settledAt REMOVE #replyTo, #type, #inbound, #text, #msgTimestamp, #parts',
      ConditionExpression: '#owner = :owner AND #attempt = :attempt',
      ExpressionAttributeNames: {
        '#owner': 'owner',
        '#attempt': 'attempt',
        '#state': 'state',
        '#outboundId': 'outboundId',
        '#settledAt': 'settledAt',
        '#replyTo': 'replyTo',
        '#type': 'type',
        '#inbound': 'inbound',
        '#text': 'text',
        '#msgTimestamp': 'msgTimestamp',
        '#parts': 'parts',
      },
      ExpressionAttributeValues: {
        ':owner': 'owner-1',
        ':attempt': 2,
        ':state': 'done',
        ':outboundId': 'wamid.out',
        ':settledAt': NOW,
      },
    });
  });

  it('releases only a record still claimed by this owner, so a confirmed reply is never reopened', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store.release(KEY, FENCE);
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#owner = :owner AND #attempt = :attempt AND #state = :claimed');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':state': 'released', ':claimed': 'claimed' });
  });

  it('marks an ambiguous send unknown with the confirmation deadline as its lease', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store.markUnknown(KEY, FENCE, NOW + 30_000);
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe(
      'SET #state = :state, #leaseUntil = :leaseUntil, #settledAt = :settledAt',
    );
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':state': 'unknown',
      ':leaseUntil': NOW + 30_000,
    });
  });

  it('records the Graph error code of a permanent failure', async () => {
    ddb.on(UpdateCommand).resolves({});
    await store.markFailed(KEY, FENCE, 131047);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':state': 'failed',
      ':errorCode': 131047,
    });
  });

  it('reports fenced-out when the condition fails', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.complete(KEY, FENCE, undefined)).resolves.toBe('fenced-out');
  });

  it('wraps other failures in a ClaimStoreError naming the write', async () => {
    ddb.on(UpdateCommand).rejects(new Error('socket hang up'));
    await expect(store.release(KEY, FENCE)).rejects.toMatchObject({
      name: 'ClaimStoreError',
      operation: 'release',
    });
  });
});

describe('DynamoDbClaimStore.confirmSent', () => {
  it('settles an unsettled record as done with the outbound wamid', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { ...STORED, state: 'unknown' } });
    await expect(store.confirmSent(KEY, 'wamid.out')).resolves.toEqual({
      confirmed: true,
      previous: expect.objectContaining({ state: 'unknown' }),
    });
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      'attribute_exists(#pk) AND #state IN (:claimed, :unknown, :released, :failed)',
    );
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':done': 'done', ':outboundId': 'wamid.out' });
  });

  it('returns the settled record that blocked the confirmation, without a read', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed(STORED));
    await expect(store.confirmSent(KEY, 'wamid.late')).resolves.toEqual({
      confirmed: false,
      current: expect.objectContaining({ state: 'done', outboundId: 'wamid.out' }),
    });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ReturnValuesOnConditionCheckFailure).toBe(
      'ALL_OLD',
    );
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('reports not confirmed when the record is gone', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.confirmSent(KEY, 'wamid.out')).resolves.toEqual({
      confirmed: false,
      current: undefined,
    });
  });
});

describe('DynamoDbClaimStore.peek', () => {
  it('sends one eventually consistent GetItem, the half-price read', async () => {
    ddb.on(GetCommand).resolves({ Item: STORED });
    await expect(store.peek(KEY)).resolves.toMatchObject({ state: 'done', outboundId: 'wamid.out' });
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'claims',
      Key: { pk: PK },
      ConsistentRead: false,
    });
  });

  it('returns undefined when the read finds no record', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(store.peek(KEY)).resolves.toBeUndefined();
  });

  it('names the peek in the ClaimStoreError of a failed read', async () => {
    ddb.on(GetCommand).rejects(new Error('socket hang up'));
    await expect(store.peek(KEY)).rejects.toMatchObject({ name: 'ClaimStoreError', operation: 'peek' });
  });
});
