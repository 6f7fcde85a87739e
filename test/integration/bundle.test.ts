import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createClaimTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
} from '../../devkit/dynamodb-local';
import { type GraphStub, startGraphStub } from '../../devkit/graph-stub';
import { startChildHost } from '../../devkit/lambda-host/child-process';
import { messagesWebhook, metaJson } from '../../devkit/meta/meta-json';
import { signedPost } from '../../devkit/webhook-events';

const run = promisify(execFile);
const SECRET = 'bundle-secret';

describe('dist/handler.mjs', () => {
  let graph: GraphStub;
  let tableName: string;
  beforeAll(async () => {
    await run('npx', ['tsx', 'scripts/build.ts']);
    graph = await startGraphStub();
    tableName = `bundle-${randomUUID()}`;
    const client = localDynamoDbClient(inject('dynamoEndpoint'));
    await createClaimTable(client, tableName);
    client.destroy();
  });
  afterAll(() => graph.close());

  it('handles a signed event and its duplicate in the Lambda host child process: two 200s, one reply', async () => {
    const raw = metaJson(messagesWebhook('106540352242922', [{ id: 'wamid.bundle', text: 'hi' }]));
    const event = signedPost(raw, SECRET);
    const host = await startChildHost({
      bundle: 'dist/handler.mjs',
      timeoutMs: 20_000,
      env: {
        PATH: process.env.PATH ?? '',
        TABLE_NAME: tableName,
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_ACCESS_TOKEN: 'bundle-token',
        WHATSAPP_VERIFY_TOKEN: 'bundle-verify',
        GRAPH_API_BASE_URL: graph.baseUrl,
        AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    });
    try {
      const results = [await host.invoke(event), await host.invoke(event)];
      expect(results.map((r) => r.status)).toEqual([200, 200]);
    } finally {
      await host.stop();
    }
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]?.body).toMatchObject({ text: { body: 'Hello! How can I assist you today?' } });
  });
});
