import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createClaimTable, localDynamoDbClient } from '../../../devkit/dynamodb-local';
import { type StreamPoller, startStreamPoller } from '../../../devkit/dynamodb-stream-poller';

const client = localDynamoDbClient(inject('dynamoEndpoint'));
const put = (tableName: string, pk: string) =>
  client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, n: { N: '1' } } }));

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the DynamoDB stream poller on DynamoDB Local', () => {
  let tableName: string;
  let poller: StreamPoller | undefined;
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });
  afterAll(() => client.destroy());

  const start = async (
    handler: (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
  ) => {
    tableName = `stream-${randomUUID()}`;
    await createClaimTable(client, tableName, { stream: true });
    poller = await startStreamPoller({
      endpoint: inject('dynamoEndpoint'),
      tableName,
      handler,
      batchSize: 10,
    });
  };

  it('invokes the handler with real stream records: event name, keys, new image, sequence number, source', async () => {
    const seen: DynamoDBRecord[] = [];
    await start(async (event) => {
      seen.push(...event.Records);
      return { batchItemFailures: [] };
    });

    await put(tableName, 'a');
    await until(() => seen.length === 1);

    expect(seen[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: expect.stringContaining(tableName),
      dynamodb: {
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, n: { N: '1' } },
        SequenceNumber: expect.any(String),
      },
    });
  });

  it('retries from the first failed record, and never redelivers the records before it', async () => {
    const deliveries: string[] = [];
    let failedOnce = false;
    await start(async (event) => {
      const failures: { itemIdentifier: string }[] = [];
      for (const record of event.Records) {
        const pk = record.dynamodb?.NewImage?.pk?.S ?? '';
        deliveries.push(pk);
        if (pk === 'b' && !failedOnce && failures.length === 0) {
          failedOnce = true;
          failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
        }
      }
      return { batchItemFailures: failures };
    });

    for (const pk of ['a', 'b', 'c']) await put(tableName, pk);
    await until(
      () =>
        deliveries.filter((pk) => pk === 'c').length >= 1 &&
        failedOnce &&
        deliveries.at(-1) === 'c' &&
        deliveries.filter((pk) => pk === 'b').length === 2,
    );

    expect(deliveries.filter((pk) => pk === 'a')).toHaveLength(1);
    expect(deliveries.filter((pk) => pk === 'b')).toHaveLength(2);
  });

  it('retries a batch whose invocation threw', async () => {
    let calls = 0;
    const delivered: string[] = [];
    await start(async (event) => {
      calls++;
      if (calls === 1) throw new Error('worker crashed');
      delivered.push(...event.Records.map((r) => r.dynamodb?.NewImage?.pk?.S ?? ''));
      return { batchItemFailures: [] };
    });

    await put(tableName, 'a');
    await until(() => delivered.length === 1);
    expect(delivered).toEqual(['a']);
    expect(calls).toBe(2);
  });

  it("keeps reading after another table's writes invalidate its iterator (-sharedDb)", async () => {
    const delivered: string[] = [];
    await start(async (event) => {
      delivered.push(...event.Records.map((r) => r.dynamodb?.NewImage?.pk?.S ?? ''));
      return { batchItemFailures: [] };
    });
    const other = `other-${randomUUID()}`;
    await createClaimTable(client, other, { stream: true });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await put(other, 'elsewhere');
    await new Promise((resolve) => setTimeout(resolve, 600));

    await put(tableName, 'a');
    await until(() => delivered.length === 1);
    await put(other, 'elsewhere-again');
    await put(tableName, 'b');
    await until(() => delivered.length === 2);
    expect(delivered).toEqual(['a', 'b']);
  });
});
