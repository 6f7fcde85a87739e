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

describe('parseConfig: the bot', () => {
  const BASE = { TABLE_NAME: 'claims', WHATSAPP_SECRET_ID: 'arn:secret' };
  const ENV_SECRETS = {
    TABLE_NAME: 'claims',
    WHATSAPP_APP_SECRET: 'a',
    WHATSAPP_ACCESS_TOKEN: 't',
    WHATSAPP_VERIFY_TOKEN: 'v',
  };

  it('uses the in-code bot without BOT_URL, and marks messages stale after an hour', () => {
    const config = parseConfig(BASE);
    expect(config.bot).toEqual({ kind: 'in-code' });
    expect(config.protocol.staleAfterSeconds).toBe(3_600);
  });

  it('reads an HTTP bot with its defaults: protocol v1, 10 s timeout, key from BOT_SECRET', () => {
    const config = parseConfig({
      ...ENV_SECRETS,
      BOT_URL: 'https://bot.example/v1',
      BOT_SECRET: 'k'.repeat(32),
    });
    expect(config.bot).toEqual({
      kind: 'http',
      protocol: 'whatsapp-once-v1',
      url: 'https://bot.example/v1',
      timeoutMs: 10_000,
      secret: { kind: 'environment', value: 'k'.repeat(32) },
    });
  });

  it("takes the key from the WhatsApp secret's botSecret when secrets come from Secrets Manager", () => {
    const config = parseConfig({
      ...BASE,
      BOT_URL: 'http://127.0.0.1:5005/webhooks/rest/webhook',
      BOT_PROTOCOL: 'rasa',
    });
    expect(config.bot).toMatchObject({ kind: 'http', protocol: 'rasa', secret: { kind: 'secrets-manager' } });
  });

  it.each([
    [{ BOT_URL: 'not a url', BOT_SECRET: 'k'.repeat(32) }, 'BOT_URL must be an http(s) URL'],
    [{ BOT_URL: 'https://bot.example' }, 'BOT_SECRET is required with BOT_URL'],
    [{ BOT_URL: 'https://bot.example', BOT_SECRET: 'short' }, 'BOT_SECRET must be at least 16 characters'],
    [
      { BOT_URL: 'https://bot.example', BOT_SECRET: 'k'.repeat(32), BOT_PROTOCOL: 'dialogflow' },
      'BOT_PROTOCOL must be one of',
    ],
    [
      { BOT_URL: 'https://bot.example', BOT_SECRET: 'k'.repeat(32), BOT_TIMEOUT_MS: '50' },
      'BOT_TIMEOUT_MS must be an integer from 100 to 25000',
    ],
    [{ BOT_SECRET: 'k'.repeat(32) }, 'BOT_SECRET and BOT_PROTOCOL need BOT_URL'],
    [{ STALE_AFTER_SECONDS: '-1' }, 'STALE_AFTER_SECONDS must be an integer'],
  ])('fails the cold start clearly on %j', (env, problem) => {
    expect(() => parseConfig({ ...ENV_SECRETS, ...env })).toThrow(problem);
  });

  it('never puts the bot key in its error', () => {
    const key = 'super-secret-bot-key-value';
    expect(() => parseConfig({ ...BASE, BOT_URL: 'https://bot.example', BOT_SECRET: key })).toThrow(
      /botSecret/,
    );
    try {
      parseConfig({ ...BASE, BOT_URL: 'https://bot.example', BOT_SECRET: key });
    } catch (error) {
      expect(String(error)).not.toContain(key);
    }
  });
});
