import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, parseConfig, parseWorkerConfig } from '../../../lambda/config/config';
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
    ['MARK_AS_READ', 'yes'],
    ['TYPING_INDICATOR', '1'],
    ['GRAPH_API_BASE_URL', 'not a url'],
  ])('rejects %s=%s', (name, value) => {
    expect(problemsOf({ ...BASE, [name]: value })).toHaveLength(1);
  });

  it('reads MARK_AS_READ and TYPING_INDICATOR, both off by default', () => {
    expect(parseConfig(BASE).protocol).toMatchObject({ markAsRead: false, typingIndicator: false });
    expect(parseConfig({ ...BASE, MARK_AS_READ: 'true', TYPING_INDICATOR: 'true' }).protocol).toMatchObject({
      markAsRead: true,
      typingIndicator: true,
    });
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

describe('reply mode', () => {
  it('is inline unless REPLY_MODE says queued', () => {
    expect(parseConfig(BASE).replyMode).toBe('inline');
    expect(parseConfig({ ...BASE, REPLY_MODE: 'queued' }).replyMode).toBe('queued');
  });

  it('refuses an unknown mode at cold start', () => {
    expect(problemsOf({ ...BASE, REPLY_MODE: 'async' })).toEqual([
      'REPLY_MODE must be "inline" or "queued", got "async"',
    ]);
  });
});

describe('parseWorkerConfig', () => {
  const QUEUE = 'https://sqs.eu-west-1.example/123456789012/redrive';
  const workerProblemsOf = (env: Record<string, string | undefined>): string[] => {
    try {
      parseWorkerConfig(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it("reads the re-drive queue and defaults the send rate to Meta's 80 per second", () => {
    const config = parseWorkerConfig({ ...BASE, REDRIVE_QUEUE_URL: QUEUE });
    expect(config.redriveQueueUrl).toBe(QUEUE);
    expect(config.sendRatePerSecond).toBe(80);
    expect(config.tableName).toBe('claims');
  });

  it('reports every problem at once: no queue, a bad rate and a missing table', () => {
    expect(workerProblemsOf({ ...BASE, TABLE_NAME: undefined, SEND_RATE_PER_SECOND: '0' })).toEqual([
      'TABLE_NAME is required',
      'REDRIVE_QUEUE_URL is required',
      'SEND_RATE_PER_SECOND must be an integer from 1 to 1000, got "0"',
    ]);
  });

  it('refuses a queue that is not a URL', () => {
    expect(workerProblemsOf({ ...BASE, REDRIVE_QUEUE_URL: 'redrive' })).toEqual([
      'REDRIVE_QUEUE_URL must be an http(s) URL',
    ]);
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
