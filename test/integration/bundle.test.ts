import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { lambdaContext, signedPost } from '../../devkit/api-gateway-event';
import {
  createClaimTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localDynamoDbClient,
} from '../../devkit/dynamodb-local';
import { type GraphStub, startGraphStub } from '../../devkit/graph-stub';
import { messagesWebhook, metaJson } from '../../devkit/meta/meta-json';

const run = promisify(execFile);
const SECRET = 'bundle-secret';

/** Imports dist/handler.mjs in a plain node process and invokes it once per event given on argv. */
const INVOKE = `
const { handler } = await import(process.cwd() + '/dist/handler.mjs');
const context = JSON.parse(process.argv[1]);
context.getRemainingTimeInMillis = () => 20000;
for (const event of JSON.parse(process.argv[2])) {
  const result = await handler(event, context);
  console.log(JSON.stringify(result));
}`;

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

  it('handles a signed event and its duplicate with plain node: two 200s, one reply', async () => {
    const raw = metaJson(messagesWebhook('106540352242922', [{ id: 'wamid.bundle', text: 'hi' }]));
    const event = signedPost(raw, SECRET);
    const { getRemainingTimeInMillis: _, ...context } = lambdaContext();
    const { stdout } = await run(
      'node',
      ['--input-type=module', '-e', INVOKE, JSON.stringify(context), JSON.stringify([event, event])],
      {
        env: {
          PATH: process.env.PATH,
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
      },
    );
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(graph.requests).toHaveLength(1);
    expect(graph.requests[0]?.body).toMatchObject({ text: { body: 'Hello! How can I assist you today?' } });
  });
});
