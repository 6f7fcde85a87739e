import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type CountingProxy,
  capacityUnits,
  countsBetween,
  startCountingProxy,
  totalRequests,
} from '../../../bench/counting-proxy';
import { createClaimTable, localDynamoDbClient } from '../../../devkit/dynamodb-local';

describe('the bench counting proxy in front of DynamoDB Local', () => {
  let proxy: CountingProxy;
  const tableName = `proxy-${randomUUID()}`;
  beforeAll(async () => {
    const admin = localDynamoDbClient(inject('dynamoEndpoint'));
    await createClaimTable(admin, tableName);
    admin.destroy();
    proxy = await startCountingProxy(inject('dynamoEndpoint'));
  });
  afterAll(() => proxy.close());

  it('counts every request by X-Amz-Target and tells a failed condition from a success', async () => {
    const client = localDynamoDbClient(proxy.endpoint);
    const put = () =>
      client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: 'k' } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    await put();
    const failed = await put().catch((error: unknown) => error);
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'k' } } }));
    client.destroy();

    expect(failed).toMatchObject({ name: 'ConditionalCheckFailedException', Item: { pk: { S: 'k' } } });
    expect(Item).toEqual({ pk: { S: 'k' } });
    expect(proxy.snapshot()).toEqual({
      PutItem: { ok: 1, conditionFailed: 1, error: 0, capacityUnits: 2 },
      GetItem: { ok: 1, conditionFailed: 0, error: 0, capacityUnits: 0.5 },
    });
    expect(totalRequests(proxy.snapshot())).toBe(3);
  });

  it('counts the request units DynamoDB bills: item size for writes, a failed condition by the item left', async () => {
    const client = localDynamoDbClient(proxy.endpoint);
    const before = proxy.snapshot();
    const pk = { S: `big-${randomUUID()}` };
    // About 1.5 KB: two write units to put, update or refuse (by the item left); one strongly consistent read unit.
    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { pk, text: { S: 'x'.repeat(1_500) } } }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '1' } },
      }),
    );
    const refused = await client
      .send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => error);
    await client.send(new GetItemCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }));
    client.destroy();

    expect(refused).toMatchObject({ name: 'ConditionalCheckFailedException' });
    const counts = countsBetween(before, proxy.snapshot());
    expect(counts.PutItem).toEqual({ ok: 1, conditionFailed: 1, error: 0, capacityUnits: 2 + 2 });
    expect(counts.UpdateItem?.capacityUnits).toBe(2);
    expect(counts.GetItem?.capacityUnits).toBe(1);
    expect(capacityUnits(counts)).toEqual({ write: 6, read: 1 });
  });
});
