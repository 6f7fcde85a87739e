import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type StalledServer, startStalledServer } from '../../devkit/faults/stalled-server';
import { lambdaContext } from '../../devkit/lambda-host/lambda-context';
import { messagesWebhook, metaJson } from '../../devkit/meta/meta-json';
import { signedPost } from '../../devkit/webhook-events';
import { DynamoDbClaimStore } from '../../lambda/adapters/dynamodb-claim-store';
import {
  createDynamoDbClient,
  DYNAMODB_TIMEOUTS,
  STORE_CALL_BOUND_MS,
} from '../../lambda/adapters/dynamodb-client';
import { buildApp } from '../../lambda/app/build-app';
import { webhookHandler } from '../../lambda/webhook-chain';

/** A DynamoDB endpoint that accepts every connection and never answers: a stalled network path. */
let stalled: StalledServer;
let endpoint: string;

beforeAll(async () => {
  stalled = await startStalledServer();
  endpoint = stalled.endpoint;
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => stalled.close());

const KEY = { tenantId: '106540352242922', messageId: 'wamid.stalled' };
// The slack covers timers and event-loop delay on a busy machine, not another attempt.
const SLACK_MS = 1_000;

describe('DynamoDB client against a server that accepts and never answers', () => {
  it('fails a claim with ClaimStoreError within the bound, after every SDK attempt timed out', async () => {
    const client = createDynamoDbClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'stalled', secretAccessKey: 'stalled' },
    });
    const store = new DynamoDbClaimStore(DynamoDBDocumentClient.from(client), 'claims');
    const before = stalled.connections();
    const started = Date.now();

    const claim = store.claim(
      KEY,
      { owner: 'owner-1', attempt: 1, leaseUntil: started + 20_000, expiresAt: 2_000_000_000 },
      { nowMs: started, takeoverBeforeMs: started },
    );

    await expect(claim).rejects.toMatchObject({
      name: 'ClaimStoreError',
      operation: 'claim',
      cause: expect.objectContaining({ name: 'TimeoutError' }),
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(
      DYNAMODB_TIMEOUTS.maxAttempts * DYNAMODB_TIMEOUTS.requestTimeoutMs,
    );
    expect(elapsed).toBeLessThan(STORE_CALL_BOUND_MS + SLACK_MS);
    expect(stalled.connections() - before).toBe(DYNAMODB_TIMEOUTS.maxAttempts);
    client.destroy();
  });

  it('answers the webhook with a 500 instead of hanging until the Lambda deadline', async () => {
    // The composition root's own client, pointed at the stalled server the standard SDK way.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'stalled');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'stalled');
    const app = buildApp({
      TABLE_NAME: 'claims',
      WHATSAPP_APP_SECRET: 'stalled-app-secret',
      WHATSAPP_ACCESS_TOKEN: 'stalled-access-token',
      WHATSAPP_VERIFY_TOKEN: 'stalled-verify-token',
      GRAPH_API_BASE_URL: 'http://127.0.0.1:1',
    });
    const body = metaJson(messagesWebhook(KEY.tenantId, [{ id: KEY.messageId }]));
    const before = stalled.connections();
    const started = Date.now();

    const response = await webhookHandler(app)(signedPost(body, 'stalled-app-secret'), lambdaContext(25_000));

    expect(response).toMatchObject({ statusCode: 500 });
    // It reached the stalled server and waited out every attempt: not a fast failure of another kind.
    expect(stalled.connections() - before).toBe(DYNAMODB_TIMEOUTS.maxAttempts);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(
      DYNAMODB_TIMEOUTS.maxAttempts * DYNAMODB_TIMEOUTS.requestTimeoutMs,
    );
    expect(elapsed).toBeLessThan(STORE_CALL_BOUND_MS + SLACK_MS);
  });
});
