import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CLAIM_CONDITION,
  DynamoDbClaimStore,
  LEASE_CONDITION,
} from '../../../lambda/adapters/dynamodb-claim-store';

const KEY = { tenantId: '106540352242922', messageId: 'wamid.A' };
const PK = '106540352242922#wamid.A';
const NOW = 1_800_000_000_123;
const CLOCK = { nowMs: NOW, takeoverBeforeMs: NOW - 3_000 };
const OUTBOX = {
  replyTo: '16505551234',
  type: 'text',
  content: { type: 'text', body: 'hello' },
  user: { phone: '16505551234', profileName: 'Sheena' },
  msgTimestamp: 1_799_999_990,
  queuedAt: NOW,
} as const;
/** The outbox as its item attributes: the typed input is one JSON string. */
const STORED_OUTBOX = {
  replyTo: '16505551234',
  type: 'text',
  inbound: JSON.stringify({
    message: { from: '16505551234', type: 'text', text: { body: 'hello' } },
    contacts: [{ wa_id: '16505551234', profile: { name: 'Sheena' } }],
  }),
  msgTimestamp: 1_799_999_990,
  queuedAt: NOW,
};

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const ddb = mockClient(documentClient);
const store = new DynamoDbClaimStore(documentClient, 'claims', () => NOW);

const conditionFailed = (item: Record<string, unknown>) =>
  Object.assign(
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
    { Item: marshall(item) },
  );

beforeEach(() => {
  ddb.reset();
});

describe('DynamoDbClaimStore.enqueue', () => {
  it('writes a queued record with the reply inputs under the claim condition, in one PutItem', async () => {
    ddb.on(PutCommand).resolves({});

    await expect(
      store.enqueue(KEY, { attempt: 1, expiresAt: 1_800_691_200, outbox: OUTBOX }, CLOCK),
    ).resolves.toEqual({ won: true, previous: undefined });

    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'claims',
      Item: {
        pk: PK,
        state: 'queued',
        owner: '',
        attempt: 1,
        leaseUntil: 0,
        expiresAt: 1_800_691_200,
        tenantId: KEY.tenantId,
        messageId: KEY.messageId,
        ...STORED_OUTBOX,
      },
      ConditionExpression: CLAIM_CONDITION,
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

  it('reads a record queued before typed content (a text attribute, no inbound) as the text it was', async () => {
    const { inbound: _, ...legacy } = STORED_OUTBOX;
    const stored = {
      pk: PK,
      state: 'queued',
      owner: '',
      attempt: 1,
      leaseUntil: 0,
      expiresAt: 9,
      ...legacy,
      text: 'hi',
    };
    ddb.on(PutCommand).rejects(conditionFailed(stored));
    const result = await store.enqueue(KEY, { attempt: 1, expiresAt: 1, outbox: OUTBOX }, CLOCK);
    expect(result.won === false && result.current?.outbox).toMatchObject({
      content: { type: 'text', body: 'hi' },
      user: { phone: '16505551234' },
    });
  });

  it('reads a record whose stored input is not a message as one without an outbox', async () => {
    const stored = {
      pk: PK,
      state: 'queued',
      owner: '',
      attempt: 1,
      leaseUntil: 0,
      expiresAt: 9,
      ...STORED_OUTBOX,
    };
    ddb.on(PutCommand).rejects(conditionFailed({ ...stored, inbound: '{"contacts":[]}' }));
    const result = await store.enqueue(KEY, { attempt: 1, expiresAt: 1, outbox: OUTBOX }, CLOCK);
    expect(result.won === false && result.current?.outbox).toBeUndefined();
  });

  it('returns the blocking queued record of a copy from the failed condition, without a read', async () => {
    const stored = {
      pk: PK,
      state: 'queued',
      owner: '',
      attempt: 1,
      leaseUntil: 0,
      expiresAt: 9,
      ...STORED_OUTBOX,
    };
    ddb.on(PutCommand).rejects(conditionFailed(stored));

    const result = await store.enqueue(KEY, { attempt: 1, expiresAt: 1, outbox: OUTBOX }, CLOCK);

    expect(result).toEqual({
      won: false,
      current: expect.objectContaining({ state: 'queued', attempt: 1, outbox: OUTBOX }),
    });
    expect(ddb.calls()).toHaveLength(1);
  });
});

describe('DynamoDbClaimStore.lease', () => {
  it('takes the observed attempt as the next one in one conditional UpdateItem returning the record', async () => {
    ddb.on(UpdateCommand).resolves({
      Attributes: {
        pk: PK,
        state: 'claimed',
        owner: 'w-1',
        attempt: 2,
        leaseUntil: NOW + 50_000,
        expiresAt: 9,
        ...STORED_OUTBOX,
      },
    });

    const result = await store.lease(
      KEY,
      { owner: 'w-1', observedAttempt: 1, leaseUntil: NOW + 50_000 },
      CLOCK,
    );

    expect(result).toEqual({ won: true, record: expect.objectContaining({ attempt: 2, outbox: OUTBOX }) });
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'claims',
      Key: { pk: PK },
      UpdateExpression:
        'SET #state = :claimed, #owner = :owner, #attempt = :attempt, #leaseUntil = :leaseUntil, #claimedAt = :now',
      ConditionExpression:
        '#attempt = :observed AND (#state IN (:queued, :released) OR (#state IN (:claimed, :unknown) AND #leaseUntil < :takeoverBefore))',
      ExpressionAttributeNames: {
        '#state': 'state',
        '#owner': 'owner',
        '#attempt': 'attempt',
        '#leaseUntil': 'leaseUntil',
        '#claimedAt': 'claimedAt',
      },
      ExpressionAttributeValues: {
        ':observed': 1,
        ':attempt': 2,
        ':owner': 'w-1',
        ':leaseUntil': NOW + 50_000,
        ':now': NOW,
        ':queued': 'queued',
        ':released': 'released',
        ':claimed': 'claimed',
        ':unknown': 'unknown',
        ':takeoverBefore': NOW - 3_000,
      },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(LEASE_CONDITION).toBe(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression);
  });

  it('returns what blocked a lost lease', async () => {
    const stored = { pk: PK, state: 'done', owner: 'w-0', attempt: 2, leaseUntil: NOW, expiresAt: 9 };
    ddb.on(UpdateCommand).rejects(conditionFailed(stored));

    const result = await store.lease(KEY, { owner: 'w-1', observedAttempt: 1, leaseUntil: NOW }, CLOCK);

    expect(result).toEqual({ won: false, current: expect.objectContaining({ state: 'done', attempt: 2 }) });
  });

  it("takes its own lease back when the SDK's retry of a landed lease fails the condition", async () => {
    // The first try landed but its answer timed out: the record is this worker's lease, attempt 2.
    const own = { pk: PK, state: 'claimed', owner: 'w-1', attempt: 2, leaseUntil: NOW, expiresAt: 9 };
    ddb.on(UpdateCommand).rejects(conditionFailed(own));

    const result = await store.lease(KEY, { owner: 'w-1', observedAttempt: 1, leaseUntil: NOW }, CLOCK);

    expect(result).toEqual({ won: true, record: expect.objectContaining({ owner: 'w-1', attempt: 2 }) });
  });

  it("does not take another worker's lease of the same attempt for its own", async () => {
    const rival = { pk: PK, state: 'claimed', owner: 'w-2', attempt: 2, leaseUntil: NOW, expiresAt: 9 };
    ddb.on(UpdateCommand).rejects(conditionFailed(rival));

    const result = await store.lease(KEY, { owner: 'w-1', observedAttempt: 1, leaseUntil: NOW }, CLOCK);

    expect(result).toMatchObject({ won: false, current: { owner: 'w-2' } });
  });

  it('wraps any other failure in a ClaimStoreError', async () => {
    ddb.on(UpdateCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(
      store.lease(KEY, { owner: 'w-1', observedAttempt: 1, leaseUntil: NOW }, CLOCK),
    ).rejects.toMatchObject({ name: 'ClaimStoreError', operation: 'lease' });
  });
});

describe('settled records keep no message content', () => {
  it.each([
    ['markFailed', () => store.markFailed(KEY, { owner: 'o', attempt: 1 }, 131047)],
    ['confirmSent', () => store.confirmSent(KEY, 'wamid.out')],
  ])('%s removes the outbox content', async (_name, write) => {
    ddb.on(UpdateCommand).resolves({});
    await write();
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toMatch(
      / REMOVE #replyTo, #type, #inbound, #text, #msgTimestamp, #parts$/,
    );
    expect(input?.ExpressionAttributeNames).toMatchObject({
      '#inbound': 'inbound',
      '#text': 'text',
      '#replyTo': 'replyTo',
      '#parts': 'parts',
    });
  });
});
