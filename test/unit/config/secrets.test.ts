import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretsLoader } from '../../../lambda/config/secrets';

const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  secretsManager.reset();
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('secretsLoader', () => {
  it('returns the environment values without calling Secrets Manager', async () => {
    const load = secretsLoader({
      kind: 'environment',
      values: { appSecret: 'a', accessToken: 'b', verifyToken: 'c' },
    });
    await expect(load()).resolves.toEqual({ appSecret: 'a', accessToken: 'b', verifyToken: 'c' });
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('reads the JSON secret once and serves later invocations from the cache', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/one' })
      .resolves({ SecretString: '{"appSecret":"a","accessToken":"b","verifyToken":"c"}' });
    const load = secretsLoader({ kind: 'secrets-manager', secretId: 'whatsapp/one' });

    await expect(load()).resolves.toEqual({ appSecret: 'a', accessToken: 'b', verifyToken: 'c' });
    await load();

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('fails with a clear error, without the secret value, when a key is missing', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'whatsapp/two' })
      .resolves({ SecretString: '{"appSecret":"do-not-leak","verifyToken":"c"}' });
    const load = secretsLoader({ kind: 'secrets-manager', secretId: 'whatsapp/two' });

    const error = await load().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SecretsError', message: expect.stringContaining('accessToken') });
    expect(String((error as Error).message)).not.toContain('do-not-leak');
  });

  it('wraps an unreachable Secrets Manager in a SecretsError naming the variable', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const load = secretsLoader({ kind: 'secrets-manager', secretId: 'whatsapp/three' });
    await expect(load()).rejects.toMatchObject({
      name: 'SecretsError',
      message: expect.stringContaining('WHATSAPP_SECRET_ID'),
    });
  });
});
