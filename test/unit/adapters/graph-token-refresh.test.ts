import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { graphReplySender } from '../../../lambda/adapters/graph-reply-sender';
import {
  graphCredentials,
  SECRET_REFRESH_INTERVAL_MS,
  secretsProvider,
} from '../../../lambda/config/secrets';
import type { OutboundReply } from '../../../lambda/domain/ports';

const REPLY: OutboundReply = {
  tenantId: '106540352242922',
  to: '16505551234',
  part: { kind: 'text', body: 'hello' },
  inReplyTo: 'wamid.IN',
  callbackData: undefined,
  timeoutMs: 1_000,
};

const secretsManager = mockClient(SecretsManagerClient);
const secretWith = (accessToken: string) => ({
  SecretString: JSON.stringify({ appSecret: 'app', accessToken, verifyToken: 'verify' }),
});

/** Graph as it answers a token: 200 for the valid one, 401 code 190 for any other. */
function graphAccepting(validToken: string) {
  const tokensUsed: string[] = [];
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    const token = String(new Headers(init?.headers).get('authorization')).replace('Bearer ', '');
    tokensUsed.push(token);
    return token === validToken
      ? Response.json({ messages: [{ id: 'wamid.OUT' }] })
      : Response.json({ error: { code: 190, type: 'OAuthException', message: 'expired' } }, { status: 401 });
  };
  return { tokensUsed, fetch: fetch as typeof globalThis.fetch };
}

let secretCounter = 0;
/** A sender wired as the composition roots wire it: the real secrets provider and its refresher. */
function senderWith(graph: ReturnType<typeof graphAccepting>, clock: { now: () => number }) {
  // Powertools caches secrets by id across providers: a fresh id per test keeps them apart.
  const secretId = `whatsapp/token-${++secretCounter}`;
  const provider = secretsProvider({ kind: 'secrets-manager', secretId }, clock.now);
  return {
    secretId,
    sender: graphReplySender({
      baseUrl: 'http://127.0.0.1:9',
      version: 'v26.0',
      ...graphCredentials(provider),
      fetch: graph.fetch,
    }),
  };
}

beforeEach(() => {
  secretsManager.reset();
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('a reply whose access token Graph rejects (code 190)', () => {
  it('re-reads the secret and counts as retryable when it now holds a new token, which the next send uses', async () => {
    const graph = graphAccepting('token-2');
    const clock = { now: () => 1_000_000 };
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce(secretWith('token-1'))
      .resolves(secretWith('token-2'));
    const { sender } = senderWith(graph, clock);

    await expect(sender.send(REPLY)).resolves.toMatchObject({ kind: 'retryable', code: 190 });
    await expect(sender.send(REPLY)).resolves.toEqual({ kind: 'sent', outboundId: 'wamid.OUT' });

    expect(graph.tokensUsed).toEqual(['token-1', 'token-2']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('is permanent when the secret still holds the rejected token', async () => {
    const graph = graphAccepting('token-2');
    secretsManager.on(GetSecretValueCommand).resolves(secretWith('token-1'));
    const { sender } = senderWith(graph, { now: () => 1_000_000 });

    await expect(sender.send(REPLY)).resolves.toMatchObject({ kind: 'permanent', code: 190 });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('re-reads at most once per refresh interval, so a burst of rejections is one Secrets Manager call', async () => {
    const graph = graphAccepting('token-new');
    let now = 1_000_000;
    secretsManager.on(GetSecretValueCommand).resolves(secretWith('token-1'));
    const { sender } = senderWith(graph, { now: () => now });

    for (let i = 0; i < 5; i++) {
      await expect(sender.send(REPLY)).resolves.toMatchObject({ kind: 'permanent', code: 190 });
    }
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);

    now += SECRET_REFRESH_INTERVAL_MS;
    await sender.send(REPLY);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('is permanent, not a crash, when the secret cannot be read again', async () => {
    const graph = graphAccepting('token-2');
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce(secretWith('token-1'))
      .rejects(Object.assign(new Error('down'), { name: 'InternalServiceError' }));
    const { sender } = senderWith(graph, { now: () => 1_000_000 });

    await expect(sender.send(REPLY)).resolves.toMatchObject({ kind: 'permanent', code: 190 });
  });
});
