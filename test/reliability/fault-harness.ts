import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createClaimTable, localDynamoDbClient, readRawItem } from '../../devkit/dynamodb-local';
import { type BotFault, faultyBot } from '../../devkit/faults/bot-faults';
import { type DynamoFaultOptions, injectDynamoDbFaults } from '../../devkit/faults/dynamodb-faults';
import { type FetchFaultOptions, faultyFetch } from '../../devkit/faults/fetch-faults';
import { type GraphStub, startGraphStub } from '../../devkit/graph-stub';
import { type InvocationRun, invokeAsLambda } from '../../devkit/lambda-host/in-process';
import { gatedClock, type Invocation } from '../../devkit/lambda-host/invocation-scope';
import { metaJson } from '../../devkit/meta/meta-json';
import { sleep } from '../../devkit/sleep';
import { signedPost } from '../../devkit/webhook-events';
import { buildApp, systemClock, type WebhookApp } from '../../lambda/app/build-app';
import { defaultBot } from '../../lambda/bots/default-bot';
import type { InboundMessage } from '../../lambda/domain/messages';
import { webhookHandler } from '../../lambda/webhook-chain';

export const APP_SECRET = 'reliability-app-secret';
export const PHONE_NUMBER_ID = '106540352242922';

/**
 * Short leases: a takeover is possible 3 s after an invocation with 3 s remaining started. An owner
 * needs 0.5 s of lease left to start a Graph call, so claims on a busy machine need the slack.
 */
export const SHORT_LEASE_ENV = {
  LEASE_SAFETY_MS: '300',
  TAKEOVER_GRACE_MS: '300',
  IN_FLIGHT_WAIT_MS: '300',
  AMBIGUOUS_GRACE_MS: '600',
  SEND_TIMEOUT_MS: '500',
};
export const SHORT_REMAINING_MS = 3_000;

export interface FaultHarnessOptions {
  env?: Record<string, string>;
  dynamo?: DynamoFaultOptions['decide'];
  fetch?: FetchFaultOptions['decide'];
  bot?: (message: InboundMessage, invocation: Invocation | undefined) => BotFault | undefined;
}

export interface FaultHarness {
  app: WebhookApp;
  graph: GraphStub;
  /** One signed delivery as one Lambda invocation with `remainingMs` to its deadline. */
  deliver(body: unknown, remainingMs?: number): Promise<InvocationRun>;
  record(messageId: string): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

/** The real middy chain on DynamoDB Local and a Graph stub, with faults injected at its ports. */
export async function startFaultHarness(options: FaultHarnessOptions = {}): Promise<FaultHarness> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `reliability-${randomUUID()}`;
  const admin = localDynamoDbClient(endpoint);
  await createClaimTable(admin, tableName);
  const client = localDynamoDbClient(endpoint);
  if (options.dynamo) injectDynamoDbFaults(client, { decide: options.dynamo });
  const graph = await startGraphStub();
  const decideBot = options.bot;
  const app = buildApp(
    {
      TABLE_NAME: tableName,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_ACCESS_TOKEN: 'reliability-access-token',
      WHATSAPP_VERIFY_TOKEN: 'reliability-verify-token',
      GRAPH_API_BASE_URL: graph.baseUrl,
      ...SHORT_LEASE_ENV,
      ...options.env,
    },
    {
      dynamoDb: client,
      clock: gatedClock(systemClock),
      fetch: faultyFetch({ ...(options.fetch ? { decide: options.fetch } : {}) }),
      ...(decideBot ? { bot: faultyBot(defaultBot, decideBot) } : {}),
    },
  );
  const handler = webhookHandler(app);
  return {
    app,
    graph,
    deliver: (body, remainingMs = SHORT_REMAINING_MS) =>
      invokeAsLambda(
        handler,
        signedPost(typeof body === 'string' ? body : metaJson(body), APP_SECRET),
        remainingMs,
      ),
    record: (messageId) => readRawItem(admin, tableName, `${PHONE_NUMBER_ID}#${messageId}`),
    async close() {
      await graph.close();
      client.destroy();
      admin.destroy();
    },
  };
}

/** Polls `read` until `done` holds (or fails after `timeoutMs`). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3_000) {
  const stopAt = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > stopAt) return value;
    await sleep(50);
  }
}
