import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { type CountingProxy, countsBetween, startCountingProxy } from '../../../bench/counting-proxy';
import { createIdempotencyTable } from '../../../bench/tables';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoDbClient } from '../../../devkit/dynamodb-local';
import { type GraphStub, startGraphStub } from '../../../devkit/graph-stub';
import { lambdaContext } from '../../../devkit/lambda-host/lambda-context';
import { messagesWebhook, metaJson } from '../../../devkit/meta/meta-json';
import { sleep } from '../../../devkit/sleep';
import { signedPost } from '../../../devkit/webhook-events';

const SECRET = 'baseline-secret';
type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The bench baseline must behave as the Powertools research note says, or the comparison is void. */
describe('the Powertools idempotency baseline of the bench', () => {
  let graph: GraphStub;
  let proxy: CountingProxy;
  let handler: Handler;
  const tableName = `powertools-${randomUUID()}`;
  const admin = () => localDynamoDbClient(inject('dynamoEndpoint'));

  beforeAll(async () => {
    const client = admin();
    await createIdempotencyTable(client, tableName);
    client.destroy();
    graph = await startGraphStub();
    proxy = await startCountingProxy(inject('dynamoEndpoint'));
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('WHATSAPP_APP_SECRET', SECRET);
    vi.stubEnv('WHATSAPP_ACCESS_TOKEN', 'token');
    vi.stubEnv('GRAPH_API_BASE_URL', graph.baseUrl);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', proxy.endpoint);
    vi.stubEnv('AWS_REGION', LOCAL_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'baseline-test');
    ({ handler } = await import('../../../bench/targets/powertools-baseline'));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await graph.close();
    await proxy.close();
  });

  const event = (wamid: string) =>
    signedPost(metaJson(messagesWebhook('106540352242922', [{ id: wamid }])), SECRET);
  const counted = async (work: () => Promise<unknown>) => {
    const before = proxy.snapshot();
    await work();
    return countsBetween(before, proxy.snapshot());
  };

  it('replies once: PutItem + UpdateItem first, one failed PutItem for a duplicate', async () => {
    const wamid = `wamid.${randomUUID()}`;
    const first = await counted(async () =>
      expect((await handler(event(wamid), lambdaContext())).statusCode).toBe(200),
    );
    const duplicate = await counted(async () =>
      expect((await handler(event(wamid), lambdaContext())).statusCode).toBe(200),
    );

    // One write unit each: Powertools' records are far under 1 KB; the refused put is billed too.
    expect(first).toEqual({
      PutItem: { ok: 1, conditionFailed: 0, error: 0, capacityUnits: 1 },
      UpdateItem: { ok: 1, conditionFailed: 0, error: 0, capacityUnits: 1 },
    });
    expect(duplicate).toEqual({ PutItem: { ok: 0, conditionFailed: 1, error: 0, capacityUnits: 1 } });
    expect(graph.requests.filter((r) => r.inReplyTo === wamid)).toHaveLength(1);
  });

  it('bounces a copy that arrives while the first is running with a 5xx', async () => {
    graph.behave(() => ({ kind: 'accept', delayMs: 300 }));
    const wamid = `wamid.${randomUUID()}`;
    const first = handler(event(wamid), lambdaContext());
    await sleep(100);
    const copy = await handler(event(wamid), lambdaContext());
    expect(copy.statusCode).toBe(503);
    expect((await first).statusCode).toBe(200);
    graph.behave(() => ({ kind: 'accept' }));
  });

  it('stores records in Powertools schema with a lease from the registered Lambda context', async () => {
    const client = admin();
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    client.destroy();
    const records = Items.map((item) => unmarshall(item));
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record).toMatchObject({
        id: expect.stringMatching(/^baseline-test#/),
        status: 'COMPLETED',
        expiration: expect.any(Number),
        in_progress_expiration: expect.any(Number),
        data: { outboundId: expect.stringMatching(/^wamid\.stub-/) },
      });
    }
  });
});
