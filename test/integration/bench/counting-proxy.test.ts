import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CountingProxy, startCountingProxy, totalRequests } from '../../../bench/counting-proxy';
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
      PutItem: { ok: 1, conditionFailed: 1, error: 0 },
      GetItem: { ok: 1, conditionFailed: 0, error: 0 },
    });
    expect(totalRequests(proxy.snapshot())).toBe(3);
  });
});
