import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { inject } from 'vitest';
import {
  countingDynamoDbClient,
  createClaimTable,
  localDynamoDbClient,
  readRawItem,
} from '../../devkit/dynamodb-local';
import { type GraphStub, startGraphStub } from '../../devkit/graph-stub';
import { lambdaContext } from '../../devkit/lambda-host/lambda-context';
import { metaJson } from '../../devkit/meta/meta-json';
import { signedPost } from '../../devkit/webhook-events';
import { buildApp, systemClock, type WebhookApp } from '../../lambda/app/build-app';
import type { Clock } from '../../lambda/domain/ports';
import { webhookHandler } from '../../lambda/webhook-chain';

export const APP_SECRET = 'integration-app-secret';
export const PHONE_NUMBER_ID = '106540352242922';

/** A clock the test can move forward, for lease and expiry; sleeps are real but short. */
export function shiftableClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return {
    now: () => systemClock.now() + offset,
    sleep: systemClock.sleep,
    shift(ms) {
      offset += ms;
    },
  };
}

export interface Harness {
  app: WebhookApp;
  graph: GraphStub;
  tableName: string;
  /** DynamoDB requests by command name, counted in the SDK middleware stack. */
  requests: Record<string, number>;
  clock: ReturnType<typeof shiftableClock>;
  deliver(body: unknown, remainingMs?: number): Promise<APIGatewayProxyStructuredResultV2>;
  record(messageId: string): Promise<Record<string, unknown> | undefined>;
  resetCounts(): void;
  close(): Promise<void>;
}

/** The real middy chain over a fresh table in DynamoDB Local and a Graph stub on 127.0.0.1. */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `claims-${randomUUID()}`;
  const admin = localDynamoDbClient(endpoint);
  await createClaimTable(admin, tableName);

  const { client, requests } = countingDynamoDbClient(endpoint);

  const graph = await startGraphStub();
  const clock = shiftableClock();
  const app = buildApp(
    {
      TABLE_NAME: tableName,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: 'integration-access-token',
      WHATSAPP_VERIFY_TOKEN: 'integration-verify-token',
      GRAPH_API_BASE_URL: graph.baseUrl,
      ...env,
    },
    { dynamoDb: client, clock },
  );
  const handler = webhookHandler(app);

  return {
    app,
    graph,
    tableName,
    requests,
    clock,
    async deliver(body, remainingMs = 20_000) {
      const raw = typeof body === 'string' ? body : metaJson(body);
      const result = await handler(signedPost(raw, APP_SECRET), lambdaContext(remainingMs));
      if (typeof result !== 'object') throw new Error('handler returned a bare string');
      return result;
    },
    record: (messageId) => readRawItem(admin, tableName, `${PHONE_NUMBER_ID}#${messageId}`),
    resetCounts() {
      for (const name of Object.keys(requests)) delete requests[name];
    },
    async close() {
      await graph.close();
      client.destroy();
      admin.destroy();
    },
  };
}
