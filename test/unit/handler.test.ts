import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../devkit/lambda-host/lambda-context';
import { apiEvent } from '../../devkit/webhook-events';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('lambda/handler', () => {
  it('fails loudly at cold start when required configuration is missing', async () => {
    vi.stubEnv('TABLE_NAME', '');
    vi.stubEnv('WHATSAPP_APP_SECRET', '');
    await expect(import('../../lambda/handler')).rejects.toThrow(/TABLE_NAME is required/);
  });

  it('builds the chain from the environment and answers the handshake', async () => {
    vi.stubEnv('TABLE_NAME', 'claims');
    vi.stubEnv('WHATSAPP_APP_SECRET', 'secret');
    vi.stubEnv('WHATSAPP_ACCESS_TOKEN', 'token');
    vi.stubEnv('WHATSAPP_VERIFY_TOKEN', 'verify');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const { handler } = await import('../../lambda/handler');
    const result = await handler(
      apiEvent({
        method: 'GET',
        rawQueryString: 'hub.mode=subscribe&hub.verify_token=verify&hub.challenge=42',
      }),
      lambdaContext(),
    );
    expect(result).toMatchObject({ statusCode: 200, body: '42' });
  });
});
