import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbClaimStore } from '../../../lambda/adapters/dynamodb-claim-store';
import { encodeRedriveMessage } from '../../../lambda/adapters/redrive-message';
import { esbuildOptionsFor, FUNCTION_ENTRIES } from '../../../lib/bundling';
import { lambdaContext } from '../../support/api-events';
import {
  createClaimTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
  readRawItem,
} from '../../support/dynamodb-local';
import { type GraphStub, startGraphStub } from '../../support/graph-stub';
import { sqsEventOf } from './queued-harness';

const run = promisify(execFile);
const KEY = { tenantId: '106540352242922', messageId: 'wamid.bundle-queued' };

/** Imports dist/<bundle>.mjs in a plain node process and invokes it once with the event given on argv. */
const INVOKE = `
const { handler } = await import(process.cwd() + '/dist/' + process.argv[1] + '.mjs');
const context = JSON.parse(process.argv[2]);
context.getRemainingTimeInMillis = () => 20000;
console.log(JSON.stringify(await handler(JSON.parse(process.argv[3]), context)));`;

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
          text: 'hi',
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

  const invoke = async (bundle: 'worker' | 'redrive', event: unknown) => {
    const { getRemainingTimeInMillis: _, ...context } = lambdaContext();
    const { stdout } = await run(
      'node',
      ['--input-type=module', '-e', INVOKE, bundle, JSON.stringify(context), JSON.stringify(event)],
      {
        env: {
          PATH: process.env.PATH,
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
      },
    );
    return JSON.parse(stdout.trim());
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
