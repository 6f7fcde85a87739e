import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createClaimTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  readRawItem,
} from '../../../devkit/dynamodb-local';
import { type GraphStub, startGraphStub } from '../../../devkit/graph-stub';
import { startChildHost } from '../../../devkit/lambda-host/child-process';
import { DynamoDbClaimStore } from '../../../lambda/adapters/dynamodb-claim-store';
import { encodeRedriveMessage } from '../../../lambda/adapters/redrive-message';
import { esbuildOptionsFor, FUNCTION_ENTRIES } from '../../../lib/bundling';
import { sqsEventOf } from './queued-harness';

const KEY = { tenantId: '106540352242922', messageId: 'wamid.bundle-queued' };

describe('dist/worker.mjs and dist/redrive.mjs', () => {
  let graph: GraphStub;
  let tableName: string;
  const client = localDynamoDbClient(inject('dynamoEndpoint'));
  beforeAll(async () => {
    // Only these two (bundle.test.ts runs the whole build for the webhook at the same time).
    for (const name of ['worker', 'redrive'] as const) {
      await build(esbuildOptionsFor(FUNCTION_ENTRIES[name], `dist/${name}.mjs`));
    }
    graph = await startGraphStub();
    tableName = `bundle-queued-${randomUUID()}`;
    await createClaimTable(client, tableName, { stream: true });
    const now = Date.now();
    await new DynamoDbClaimStore(DynamoDBDocumentClient.from(client), tableName).enqueue(
      KEY,
      {
        attempt: 1,
        expiresAt: Math.floor(now / 1000) + 691_200,
        outbox: {
          replyTo: '16505551234',
          type: 'text',
          content: { type: 'text', body: 'hi' } as const,
          user: { phone: '16505551234' },
          msgTimestamp: Math.floor(now / 1000),
          queuedAt: now,
        },
      },
      { nowMs: now, takeoverBeforeMs: now - 3_000 },
    );
  });
  afterAll(async () => {
    await graph.close();
    client.destroy();
  });

  /** Runs `dist/<bundle>.mjs` in the devkit's Lambda host process and returns its answer to `event`. */
  const invoke = async (bundle: 'worker' | 'redrive', event: unknown) => {
    const host = await startChildHost({
      bundle: `dist/${bundle}.mjs`,
      timeoutMs: 20_000,
      env: {
        PATH: process.env.PATH ?? '',
        TABLE_NAME: tableName,
        WHATSAPP_APP_SECRET: 'bundle-secret',
        WHATSAPP_ACCESS_TOKEN: 'bundle-token',
        WHATSAPP_VERIFY_TOKEN: 'bundle-verify',
        GRAPH_API_BASE_URL: graph.baseUrl,
        REDRIVE_QUEUE_URL: 'http://127.0.0.1:1/000000000000/redrive',
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    });
    try {
      const outcome = await host.invoke(event);
      if (outcome.kind === 'error')
        throw new Error(`${bundle} threw ${outcome.error.name}: ${outcome.error.message}`);
      return outcome.result;
    } finally {
      await host.stop();
    }
  };

  it('replies to a queued record from a stream event, then acknowledges a re-drive of it without a second reply', async () => {
    const streamEvent = {
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          eventSourceARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}/stream/x`,
          dynamodb: {
            Keys: { pk: { S: `${KEY.tenantId}#${KEY.messageId}` } },
            NewImage: {
              pk: { S: `${KEY.tenantId}#${KEY.messageId}` },
              state: { S: 'queued' },
              attempt: { N: '1' },
              tenantId: { S: KEY.tenantId },
              messageId: { S: KEY.messageId },
            },
            SequenceNumber: '100',
          },
        },
      ],
    };

    expect(await invoke('worker', streamEvent)).toEqual({ batchItemFailures: [] });
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]?.inReplyTo).toBe(KEY.messageId);

    const redrive = sqsEventOf([encodeRedriveMessage({ key: KEY, observedAttempt: 1 })]);
    expect(await invoke('redrive', redrive)).toEqual({ batchItemFailures: [] });
    expect(graph.requests).toHaveLength(1);
    expect(await readRawItem(client, tableName, `${KEY.tenantId}#${KEY.messageId}`)).toMatchObject({
      state: 'done',
      attempt: 2,
    });
  });
});
