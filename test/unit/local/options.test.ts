import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, DEFAULT_TABLE, parseStartOptions, UsageError } from '../../../local/options';

describe('parseStartOptions', () => {
  it('defaults to dynalite, the sink, port 3000 and secrets generated for this run', () => {
    const options = parseStartOptions([], {});

    expect(options).toMatchObject({
      mode: 'inline',
      port: DEFAULT_PORT,
      dynamodb: 'dynalite',
      graph: 'sink',
      tableName: DEFAULT_TABLE,
      dataDir: undefined,
      statusWebhooks: true,
      timeoutMs: 25_000,
      logLevel: 'WARN',
      generated: { appSecret: true, verifyToken: true },
    });
  });

  it('runs queued mode on DynamoDB Local, whose stream the worker reads', () => {
    expect(parseStartOptions(['--mode', 'queued'], {})).toMatchObject({ mode: 'queued', dynamodb: 'local' });
    expect(parseStartOptions(['--mode', 'queued', '--dynamodb', 'local'], {}).dynamodb).toBe('local');
  });

  it.each([
    [['--mode', 'queued', '--dynamodb', 'dynalite'], /drop --dynamodb dynalite/],
    [['--mode', 'queued', '--dynamodb', 'aws', '--table', 't'], /drop --dynamodb aws/],
    [['--mode', 'outbox'], /--mode must be one of inline, queued/],
  ])('refuses %j', (args, message) => {
    expect(() => parseStartOptions(args, {})).toThrow(UsageError);
    expect(() => parseStartOptions(args, {})).toThrow(message);
  });

  it('generates different secrets on every run', () => {
    const first = parseStartOptions([], {});
    const second = parseStartOptions([], {});

    expect(first.appSecret).not.toBe(second.appSecret);
    expect(first.verifyToken).not.toBe(second.verifyToken);
  });

  it('uses the secrets from the environment, and flags over the environment', () => {
    const env = { WHATSAPP_APP_SECRET: 'from-env', WHATSAPP_VERIFY_TOKEN: 'token-env' };

    expect(parseStartOptions([], env)).toMatchObject({
      appSecret: 'from-env',
      verifyToken: 'token-env',
      generated: { appSecret: false, verifyToken: false },
    });
    expect(parseStartOptions(['--app-secret', 'from-flag'], env).appSecret).toBe('from-flag');
  });

  it('never hands the sink a real access token from the environment', () => {
    expect(parseStartOptions([], { WHATSAPP_ACCESS_TOKEN: 'real-token' }).accessToken).toBe(
      'local-sink-token',
    );
    expect(parseStartOptions(['--graph', 'real'], { WHATSAPP_ACCESS_TOKEN: 'real-token' }).accessToken).toBe(
      'real-token',
    );
  });

  it('turns the status echo off with --no-status-webhooks', () => {
    expect(parseStartOptions(['--no-status-webhooks'], {}).statusWebhooks).toBe(false);
  });

  it.each([
    [['--dynamodb', 'mongo'], /--dynamodb must be one of dynalite, local, aws/],
    [['--dynamodb', 'aws'], /--table NAME/],
    [['--dynamodb', 'aws', '--table', 't', '--data-dir', 'x'], /--data-dir/],
    [['--graph', 'real'], /WHATSAPP_ACCESS_TOKEN/],
    [['--port', '70000'], /--port must be an integer/],
    [['--log-level', 'chatty'], /--log-level/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j', (args, message) => {
    expect(() => parseStartOptions(args, {})).toThrow(UsageError);
    expect(() => parseStartOptions(args, {})).toThrow(message);
  });
});
