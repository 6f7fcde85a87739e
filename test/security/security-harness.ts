import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { inject, vi } from 'vitest';
import { countingDynamoDbClient, createClaimTable, localDynamoDbClient } from '../../devkit/dynamodb-local';
import { type GraphStub, startGraphStub } from '../../devkit/graph-stub';
import { lambdaContext } from '../../devkit/lambda-host/lambda-context';
import { buildApp, type WebhookApp } from '../../lambda/app/build-app';
import { webhookHandler } from '../../lambda/webhook-chain';
import { type CapturedLogs, captureLogs, type Sensitive } from '../support/log-capture';

export const SECRETS = {
  appSecret: 'app-secret-5e0c1f9a77d2',
  accessToken: 'fake-access-token-91c3b7e4d2',
  verifyToken: 'verify-token-2b8e04d6c1',
};
export const PHONE_NUMBER_ID = '106540352242922';
/** The numbers the shared webhook builders put in `display_phone_number`, `from` and `wa_id`. */
export const FIXTURE_PHONE_NUMBERS = ['15550783881', '16505551234'];

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export interface SecurityHarness {
  app: WebhookApp;
  graph: GraphStub;
  logs: CapturedLogs;
  /** DynamoDB requests by command name. */
  requests: Record<string, number>;
  invoke(event: APIGatewayProxyEventV2, remainingMs?: number): Promise<APIGatewayProxyStructuredResultV2>;
  writes(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * The real middy chain at DEBUG log level, every line captured, on DynamoDB Local (requests
 * counted in the SDK middleware stack) and a Graph stub on 127.0.0.1.
 */
export async function startSecurityHarness(env: Record<string, string> = {}): Promise<SecurityHarness> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `security-${randomUUID()}`;
  const admin = localDynamoDbClient(endpoint);
  await createClaimTable(admin, tableName);
  admin.destroy();

  const { client, requests } = countingDynamoDbClient(endpoint);
  const graph = await startGraphStub();
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  const app = buildApp(
    {
      TABLE_NAME: tableName,
      WHATSAPP_APP_SECRET: SECRETS.appSecret,
      WHATSAPP_ACCESS_TOKEN: SECRETS.accessToken,
      WHATSAPP_VERIFY_TOKEN: SECRETS.verifyToken,
      GRAPH_API_BASE_URL: graph.baseUrl,
      ...env,
    },
    { dynamoDb: client },
  );
  vi.unstubAllEnvs();
  const handler = webhookHandler(app);
  const logs = captureLogs();

  return {
    app,
    graph,
    logs,
    requests,
    async invoke(event, remainingMs = 25_000) {
      const result = await handler(event, lambdaContext(remainingMs));
      if (typeof result !== 'object') throw new Error('the handler answered a bare string');
      return result;
    },
    writes: () =>
      Object.entries(requests)
        .filter(([name]) => WRITES.has(name))
        .reduce((sum, [, n]) => sum + n, 0),
    reset() {
      for (const name of Object.keys(requests)) delete requests[name];
      graph.requests.length = 0;
      graph.accepted.length = 0;
      logs.clear();
    },
    async close() {
      logs.restore();
      await graph.close();
      client.destroy();
    },
  };
}

/** The values no log line may contain in these suites. */
export const sensitive = (extra: Partial<Sensitive> = {}): Sensitive => ({
  secrets: [SECRETS.appSecret, SECRETS.accessToken, SECRETS.verifyToken, ...(extra.secrets ?? [])],
  phoneNumbers: [...FIXTURE_PHONE_NUMBERS, ...(extra.phoneNumbers ?? [])],
  texts: extra.texts ?? [],
});
