import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, parseConfig } from '../../../lambda/config/config';
import { parseSecret } from '../../../lambda/config/secrets';

const BASE = {
  TABLE_NAME: 'claims',
  WHATSAPP_APP_SECRET: 's',
  WHATSAPP_ACCESS_TOKEN: 't',
  WHATSAPP_VERIFY_TOKEN: 'v',
};

const problemsOf = (env: Record<string, string | undefined>): string[] => {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('parseConfig', () => {
  it('applies documented defaults: Graph v26.0, eight-day records', () => {
    const config = parseConfig(BASE);
    expect(config.graphVersion).toBe('v26.0');
    expect(config.graphBaseUrl).toBe(DEFAULTS.graphBaseUrl);
    expect(config.protocol.dedupTtlSeconds).toBe(8 * 86_400);
    expect(config.secrets).toEqual({
      kind: 'environment',
      values: { appSecret: 's', accessToken: 't', verifyToken: 'v' },
    });
    expect(config.forwardUrl).toBeUndefined();
    expect(config.logMessageContent).toBe(false);
  });

  it('reads the three secrets from Secrets Manager when a secret id is given instead', () => {
    const config = parseConfig({ TABLE_NAME: 'claims', WHATSAPP_SECRET_ID: 'whatsapp/prod' });
    expect(config.secrets).toEqual({ kind: 'secrets-manager', secretId: 'whatsapp/prod' });
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      DEDUP_TTL_SECONDS: '3600',
      GRAPH_API_VERSION: '26',
      FORWARD_URL: 'ftp://x',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/TABLE_NAME is required/);
    expect(problems.join('\n')).toMatch(
      /WHATSAPP_APP_SECRET, WHATSAPP_ACCESS_TOKEN, WHATSAPP_VERIFY_TOKEN required/,
    );
    expect(problems.join('\n')).toMatch(/DEDUP_TTL_SECONDS must be an integer from 691200/);
  });

  it.each([
    ['IN_FLIGHT_WAIT_MS', 'soon'],
    ['SEND_MAX_ATTEMPTS', '0'],
    ['LEASE_SAFETY_MS', '-1'],
    ['LOG_MESSAGE_CONTENT', 'yes'],
    ['GRAPH_API_BASE_URL', 'not a url'],
  ])('rejects %s=%s', (name, value) => {
    expect(problemsOf({ ...BASE, [name]: value })).toHaveLength(1);
  });

  it('refuses a secret id mixed with secret variables', () => {
    expect(problemsOf({ ...BASE, WHATSAPP_SECRET_ID: 'x' })).toEqual([
      'set either WHATSAPP_SECRET_ID or the three secret variables, not both',
    ]);
  });

  it('never echoes a secret value in its errors', () => {
    const message = problemsOf({ ...BASE, WHATSAPP_SECRET_ID: 'x', WHATSAPP_APP_SECRET: 'hunter2' }).join(
      ' ',
    );
    expect(message).not.toContain('hunter2');
  });
});

describe('parseSecret', () => {
  it('reads the three keys of the JSON secret', () => {
    expect(parseSecret({ appSecret: 'a', accessToken: 'b', verifyToken: 'c' })).toEqual({
      appSecret: 'a',
      accessToken: 'b',
      verifyToken: 'c',
    });
  });

  it('names the missing key', () => {
    expect(() => parseSecret({ appSecret: 'a', verifyToken: 'c' })).toThrow(/accessToken/);
  });
});
