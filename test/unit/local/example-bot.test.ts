import type { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPython, pythonProblemMessage } from '../../../local/example-bot';
import { handlerEnvironment } from '../../../local/handler-env';
import { parseStartOptions, UsageError } from '../../../local/options';
import { readSession, writeSession } from '../../../local/session-file';

const pythonThat = (result: { error?: Error; status: number | null }) =>
  (() => ({ stdout: 'Python 3.11.7', stderr: '', ...result })) as unknown as typeof spawnSync;
const ENDPOINTS = { dynamoDb: 'http://127.0.0.1:1', graph: 'http://127.0.0.1:2' };
const EXAMPLE = {
  url: 'http://127.0.0.1:9/',
  protocol: 'whatsapp-once-v1',
  secret: 'bot-0123456789abcdef',
} as const;

describe('npm start --bot', () => {
  it.each([
    [[], {}, 'default'],
    [['--bot', 'example'], {}, 'example'],
    [['--bot', 'example-rasa'], {}, 'example-rasa'],
    [[], { BOT_URL: 'http://127.0.0.1:5005/webhooks/rest/webhook' }, 'other'],
    [['--bot', 'default'], { BOT_URL: 'http://127.0.0.1:5005/' }, 'default'],
    [['--bot', 'example'], { BOT_URL: 'http://127.0.0.1:5005/' }, 'example'],
  ])('with %j and the environment %j runs the %s bot', (args, env, bot) => {
    expect(parseStartOptions(args, env).bot).toBe(bot);
  });

  it('refuses an unknown bot, naming the ones it knows', () => {
    expect(() => parseStartOptions(['--bot', 'rasa'], {})).toThrow(UsageError);
    expect(() => parseStartOptions(['--bot', 'rasa'], {})).toThrow(
      /--bot must be one of default, example, example-rasa, got "rasa"/,
    );
  });
});

describe('the handler environment for each bot', () => {
  it('points BOT_URL, BOT_PROTOCOL and BOT_SECRET at the example bot this run started', () => {
    const options = parseStartOptions(['--bot', 'example-rasa'], { BOT_URL: 'http://elsewhere/' });
    const env = handlerEnvironment(options, { ...ENDPOINTS, bot: { ...EXAMPLE, protocol: 'rasa' } }, {});

    expect(env).toMatchObject({ BOT_URL: EXAMPLE.url, BOT_PROTOCOL: 'rasa', BOT_SECRET: EXAMPLE.secret });
  });

  it('clears an exported BOT_URL for the default bot, and keeps it as the user set it otherwise', () => {
    const exported = { BOT_URL: 'http://127.0.0.1:5005/', BOT_SECRET: 'exported-secret-0123' };
    const byDefault = handlerEnvironment(
      parseStartOptions(['--bot', 'default'], exported),
      ENDPOINTS,
      exported,
    );
    const other = handlerEnvironment(parseStartOptions([], exported), ENDPOINTS, exported);

    expect(byDefault).toHaveProperty('BOT_URL', undefined);
    expect(byDefault).toHaveProperty('BOT_SECRET', undefined);
    expect(other).not.toHaveProperty('BOT_URL');
  });
});

describe('the session file', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const session = {
    webhookUrl: 'http://127.0.0.1:3/webhook',
    appSecret: 'a',
    verifyToken: 'v',
    sinkUrl: undefined,
  };

  it('records which bot answers, and reads a file without the field as the default bot', async () => {
    dir = await mkdtemp(join(tmpdir(), 'session-'));
    await writeSession(3, { ...session, bot: 'example-rasa', pid: process.pid }, dir);
    await writeSession(4, { ...session, pid: process.pid }, dir);

    expect((await readSession(3, dir))?.bot).toBe('example-rasa');
    expect((await readSession(4, dir))?.bot).toBe('default');
  });
});

describe('checkPython', () => {
  it('accepts a python3 that runs', () => {
    expect(checkPython(pythonThat({ status: 0 }))).toEqual({ ok: true });
  });

  it('says python3 is missing when it cannot be run, and how to go on', () => {
    const result = checkPython(pythonThat({ error: new Error('spawnSync python3 ENOENT'), status: null }));
    const problem = result.ok ? '' : result.problem;

    expect(problem).toBe('no python3 on the PATH (spawnSync python3 ENOENT)');
    expect(pythonProblemMessage('example', problem)).toMatch(
      /^--bot example runs examples\/python-bot\/bot\.py, which needs Python 3: no python3 on the PATH .*leave --bot out/,
    );
  });
});
