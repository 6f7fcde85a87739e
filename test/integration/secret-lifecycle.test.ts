import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../devkit/lambda-host/lambda-context';
import { messagesWebhook, metaJson } from '../../devkit/meta/meta-json';
import { apiEvent, signedPost } from '../../devkit/webhook-events';
import { SECRET_PLACEHOLDER } from '../../lambda/config/secret-placeholder';
import { SECRET_REFRESH_INTERVAL_MS } from '../../lambda/config/secrets';
import { webhookHandler } from '../../lambda/webhook-chain';
import { type SecretsManagerStub, startSecretsManagerStub } from '../support/secrets-manager-stub';
import { type Harness, PHONE_NUMBER_ID, startHarness } from './harness';

const SECRET_ID = 'whatsapp-once/lifecycle';
const VERIFY_TOKEN = 'generated-verify-token-by-the-stack';

/**
 * The secret's life as an operator lives it, through the real chain, Powertools Parameters and the
 * SDK against a Secrets Manager stub on 127.0.0.1, DynamoDB Local and a Graph stub: created with
 * placeholders by the stack, filled, then rotated.
 */
let secretsManager: SecretsManagerStub;
let h: Harness;
let handler: ReturnType<typeof webhookHandler>;

beforeAll(async () => {
  secretsManager = await startSecretsManagerStub();
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsManager.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  secretsManager.put(SECRET_ID, {
    appSecret: SECRET_PLACEHOLDER,
    accessToken: SECRET_PLACEHOLDER,
    verifyToken: VERIFY_TOKEN,
  });
  // Empty values count as unset, so the function reads the secret as a deployed one does.
  h = await startHarness({
    WHATSAPP_SECRET_ID: SECRET_ID,
    WHATSAPP_APP_SECRET: '',
    WHATSAPP_ACCESS_TOKEN: '',
    WHATSAPP_VERIFY_TOKEN: '',
  });
  handler = webhookHandler(h.app);
});

afterAll(async () => {
  await h.close();
  await secretsManager.close();
  vi.unstubAllEnvs();
});

const deliver = async (messageId: string, signedWith: string) => {
  const body = metaJson(messagesWebhook(PHONE_NUMBER_ID, [{ id: messageId, text: 'hello' }]));
  const result = await handler(signedPost(body, signedWith), lambdaContext());
  if (typeof result !== 'object') throw new Error('expected a structured result');
  return result;
};

describe('the WhatsApp secret from creation to rotation', () => {
  it('answers POSTs 503 "not configured" while the secret holds the stack placeholders, and replies to none', async () => {
    const result = await deliver('wamid.before-fill', SECRET_PLACEHOLDER);
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ error: 'not configured' });
    expect(await h.record('wamid.before-fill')).toBeUndefined();
    expect(h.graph.requests).toEqual([]);
  });

  it("answers Meta's handshake with the generated verify token before the rest is filled", async () => {
    const result = await handler(
      apiEvent({
        method: 'GET',
        rawQueryString: `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=7`,
      }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 200, body: '7' });
  });

  it('answers 200 and replies once the secret is filled, without waiting for the cache to expire', async () => {
    secretsManager.put(SECRET_ID, {
      appSecret: 'app-secret-1',
      accessToken: 'token-1',
      verifyToken: VERIFY_TOKEN,
    });
    h.clock.shift(SECRET_REFRESH_INTERVAL_MS);

    const result = await deliver('wamid.before-fill', 'app-secret-1');

    expect(result.statusCode).toBe(200);
    expect(h.graph.requests.map((r) => [r.inReplyTo, r.authorization])).toEqual([
      ['wamid.before-fill', 'Bearer token-1'],
    ]);
  });

  it('verifies the first webhook signed with a rotated app secret by re-reading the secret once', async () => {
    secretsManager.put(SECRET_ID, {
      appSecret: 'app-secret-2',
      accessToken: 'token-1',
      verifyToken: VERIFY_TOKEN,
    });
    h.clock.shift(SECRET_REFRESH_INTERVAL_MS);
    const readsBefore = secretsManager.reads(SECRET_ID);

    const result = await deliver('wamid.after-rotation', 'app-secret-2');

    expect(result.statusCode).toBe(200);
    expect(secretsManager.reads(SECRET_ID) - readsBefore).toBe(1);
    expect(h.graph.requests.map((r) => r.inReplyTo)).toContain('wamid.after-rotation');
  });

  it('re-reads at most once per interval under forged traffic, each forged POST answered 401', async () => {
    h.clock.shift(SECRET_REFRESH_INTERVAL_MS);
    const readsBefore = secretsManager.reads(SECRET_ID);

    const statuses: number[] = [];
    for (const n of [1, 2, 3, 4, 5])
      statuses.push((await deliver(`wamid.forged-${n}`, 'forged')).statusCode ?? 0);

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(secretsManager.reads(SECRET_ID) - readsBefore).toBe(1);
  });
});
