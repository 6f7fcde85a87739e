import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { createClaimTable, LOCAL_CREDENTIALS, localDynamoDbClient } from '../../../devkit/dynamodb-local';
import { type LocalSqs, type LocalSqsMessage, startLocalSqs } from '../../../devkit/local-sqs';
import {
  type QueuedRuntime,
  type QueueHandler,
  type StreamHandler,
  startQueuedRuntime,
} from '../../../devkit/queued-runtime';

const endpoint = inject('dynamoEndpoint');
const dynamo = localDynamoDbClient(endpoint);
const putClaim = (tableName: string, pk: string, state: string) =>
  dynamo.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, state: { S: state } } }));

describe('the queued runtime: stream mapping and re-drive queue on one machine', () => {
  let runtime: QueuedRuntime | undefined;
  let queue: LocalSqs | undefined;
  let sqs: SQSClient | undefined;
  afterEach(async () => {
    await runtime?.stop();
    await queue?.close();
    sqs?.destroy();
  });
  afterAll(() => dynamo.destroy());

  const start = async (
    worker: StreamHandler,
    redrive: QueueHandler,
    extra: { maxReceiveCount?: number; onDeadLetter?: (m: LocalSqsMessage) => void } = {},
  ) => {
    const tableName = `runtime-${randomUUID()}`;
    await createClaimTable(dynamo, tableName, { stream: true });
    queue = await startLocalSqs();
    sqs = new SQSClient({ endpoint: queue.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    runtime = await startQueuedRuntime({
      endpoint,
      tableName,
      worker,
      redrive,
      queue,
      visibilityMs: 200,
      ...extra,
    });
    return { tableName, queueUrl: queue.queueUrl, sqs };
  };

  it('hands the worker only queued claims, and idle() resolves once they are handled', async () => {
    const seen: DynamoDBRecord[] = [];
    const { tableName } = await start(
      async (event) => {
        seen.push(...event.Records);
        return { batchItemFailures: [] };
      },
      async () => ({ batchItemFailures: [] }),
    );

    await putClaim(tableName, 't#inline', 'done');
    await putClaim(tableName, 't#queued', 'queued');
    await runtime?.idle();

    expect(seen.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['t#queued']);
  });

  it('delivers a re-drive sent through the SQS client after its DelaySeconds, again after a failure', async () => {
    const received: { record: SQSRecord; at: number }[] = [];
    const { queueUrl, sqs } = await start(
      async () => ({ batchItemFailures: [] }),
      async (event) => {
        const record = event.Records[0];
        if (record) received.push({ record, at: Date.now() });
        // The first receive fails, as a re-drive whose lease is still held would.
        return {
          batchItemFailures: received.length === 1 && record ? [{ itemIdentifier: record.messageId }] : [],
        };
      },
    );

    const sentAt = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"v":1}', DelaySeconds: 1 }));
    await runtime?.idle();

    expect(received.map(({ record }) => record.body)).toEqual(['{"v":1}', '{"v":1}']);
    expect(received[0]?.at).toBeGreaterThanOrEqual(sentAt + 1000);
    expect(received.map(({ record }) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(queue?.size).toBe(0);
  });

  it('dead-letters a re-drive that fails maxReceiveCount times', async () => {
    const deadLetters: LocalSqsMessage[] = [];
    let receives = 0;
    const { queueUrl, sqs } = await start(
      async () => ({ batchItemFailures: [] }),
      async () => {
        receives++;
        throw new Error('the redrive function crashed');
      },
      { maxReceiveCount: 3, onDeadLetter: (message) => deadLetters.push(message) },
    );

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));
    await runtime?.idle();

    expect(receives).toBe(3);
    expect(deadLetters.map((message) => [message.body, message.receiveCount])).toEqual([['poison', 3]]);
  });

  it('rejects an SQS call it does not serve, so a new dependency fails loudly', async () => {
    const { queueUrl, sqs } = await start(
      async () => ({ batchItemFailures: [] }),
      async () => ({ batchItemFailures: [] }),
    );
    const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');

    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl }))).rejects.toThrow(
      /not served/,
    );
  });
});
