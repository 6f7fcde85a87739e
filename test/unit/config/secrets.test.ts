import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET_REFRESH_INTERVAL_MS, secretsProvider } from '../../../lambda/config/secrets';

const secretsManager = mockClient(SecretsManagerClient);
const secretString = (appSecret: string) => JSON.stringify({ appSecret, accessToken: 'b', verifyToken: 'c' });

beforeEach(() => {
  secretsManager.reset();
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A clock the test moves by hand, for the refresh rate limit. */
function manualClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('secretsProvider', () => {
  it('returns the environment values without calling Secrets Manager, and has nothing to refresh', async () => {
    const provider = secretsProvider({
      kind: 'environment',
      values: { appSecret: 'a', accessToken: 'b', verifyToken: 'c' },
    });
    await expect(provider.current()).resolves.toEqual({ appSecret: 'a', accessToken: 'b', verifyToken: 'c' });
    await expect(provider.refresh()).resolves.toMatchObject({ kind: 'fixed' });
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('reads the JSON secret once and serves later invocations from the cache', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/one' })
      .resolves({ SecretString: '{"appSecret":"a","accessToken":"b","verifyToken":"c"}' });
    const provider = secretsProvider({ kind: 'secrets-manager', secretId: 'whatsapp/one' });

    await expect(provider.current()).resolves.toEqual({ appSecret: 'a', accessToken: 'b', verifyToken: 'c' });
    await provider.current();

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('fails with a clear error, without the secret value, when a key is missing', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/two' })
      .resolves({ SecretString: '{"appSecret":"do-not-leak","verifyToken":"c"}' });
    const provider = secretsProvider({ kind: 'secrets-manager', secretId: 'whatsapp/two' });

    const error = await provider.current().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SecretsError', message: expect.stringContaining('accessToken') });
    expect(String((error as Error).message)).not.toContain('do-not-leak');
  });

  it('wraps an unreachable Secrets Manager in a SecretsError naming the variable', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const provider = secretsProvider({ kind: 'secrets-manager', secretId: 'whatsapp/three' });
    await expect(provider.current()).rejects.toMatchObject({
      name: 'SecretsError',
      message: expect.stringContaining('WHATSAPP_SECRET_ID'),
    });
  });

  it('reads a rotated secret at once on refresh, bypassing the cache, and says it changed', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/rotated' })
      .resolvesOnce({ SecretString: secretString('old') })
      .resolves({ SecretString: secretString('new') });
    const provider = secretsProvider({ kind: 'secrets-manager', secretId: 'whatsapp/rotated' });

    await expect(provider.current()).resolves.toMatchObject({ appSecret: 'old' });
    await expect(provider.refresh()).resolves.toMatchObject({
      kind: 'refreshed',
      changed: true,
      secrets: { appSecret: 'new' },
    });
    await expect(provider.current()).resolves.toMatchObject({ appSecret: 'new' });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('says unchanged when the re-read brings the same values', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/same' })
      .resolves({ SecretString: secretString('same') });
    const provider = secretsProvider({ kind: 'secrets-manager', secretId: 'whatsapp/same' });
    await provider.current();
    await expect(provider.refresh()).resolves.toMatchObject({ kind: 'refreshed', changed: false });
  });

  it('re-reads at most once per refresh interval, then again once the interval has passed', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/limited' })
      .resolves({ SecretString: secretString('a') });
    const clock = manualClock();
    const provider = secretsProvider({ kind: 'secrets-manager', secretId: 'whatsapp/limited' }, clock.now);
    await provider.current();

    await expect(provider.refresh()).resolves.toMatchObject({ kind: 'refreshed' });
    clock.advance(SECRET_REFRESH_INTERVAL_MS - 1);
    await expect(provider.refresh()).resolves.toMatchObject({
      kind: 'rate-limited',
      secrets: { appSecret: 'a' },
    });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);

    clock.advance(1);
    await expect(provider.refresh()).resolves.toMatchObject({ kind: 'refreshed' });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('shares one re-read between concurrent refreshes', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/concurrent' })
      .resolves({ SecretString: secretString('a') });
    const provider = secretsProvider({ kind: 'secrets-manager', secretId: 'whatsapp/concurrent' });
    const [first, second] = await Promise.all([provider.refresh(), provider.refresh()]);
    expect(first).toBe(second);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});
