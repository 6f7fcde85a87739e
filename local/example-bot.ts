import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../devkit/dynamodb-local';
import type { BotProtocol } from '../lambda/config/config';

/**
 * Which bot a local server's handler asks: the in-code default bot, the Python example bot over
 * protocol v1 or in Rasa's REST shape (`--bot example | example-rasa`), or a BOT_URL the user exported.
 */
export type LocalBot = 'default' | 'example' | 'example-rasa' | 'other';
export const LOCAL_BOTS: readonly LocalBot[] = ['default', 'example', 'example-rasa', 'other'];
export type ExampleBot = Extract<LocalBot, 'example' | 'example-rasa'>;

export const EXAMPLE_BOT_SCRIPT = 'examples/python-bot/bot.py';
const SCRIPT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', EXAMPLE_BOT_SCRIPT);
/** The Rasa-shaped stand-in's path, Rasa's own REST channel path. */
const RASA_PATH = '/webhooks/rest/webhook';
const READY_TIMEOUT_MS = 10_000;

export interface RunningBot {
  kind: ExampleBot;
  /** What the handler gets as BOT_URL, BOT_PROTOCOL and BOT_SECRET. */
  url: string;
  protocol: BotProtocol;
  secret: string;
  stop(): Promise<void>;
}

export type PythonCheck = { ok: true } | { ok: false; problem: string };

/** Asked before anything starts, like java for queued mode: one clear sentence instead of a hang. */
export function checkPython(run = spawnSync): PythonCheck {
  const result = run('python3', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined)
    return { ok: false, problem: `no python3 on the PATH (${result.error.message})` };
  if (result.status !== 0) return { ok: false, problem: `python3 --version exited with ${result.status}` };
  return { ok: true };
}

export const pythonProblemMessage = (kind: ExampleBot, problem: string): string =>
  `--bot ${kind} runs ${EXAMPLE_BOT_SCRIPT}, which needs Python 3: ${problem}. Install it (the python3 ` +
  'package on Debian or Ubuntu) and run it again, or leave --bot out for the in-code default bot.';

/**
 * Starts the example bot on a free 127.0.0.1 port with a secret generated for this run, and resolves
 * once it answers its health check. It exits with this process: it stops when its stdin closes.
 */
export async function startExampleBot(
  kind: ExampleBot,
  /** Receives what the bot writes to stderr (a Python traceback), line by line. */
  print: (line: string) => void = () => {},
): Promise<RunningBot> {
  const port = await freePort();
  const secret = `bot-${randomBytes(16).toString('hex')}`;
  const child = spawn('python3', [SCRIPT_PATH], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      BOT_SECRET: secret,
      BOT_EXIT_WITH_STDIN: '1',
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = `${stderr}${chunk}`.slice(-2_000);
    for (const line of String(chunk).trimEnd().split('\n')) print(`   bot     ${line}`);
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(origin, child, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    kind,
    url: kind === 'example-rasa' ? `${origin}${RASA_PATH}` : `${origin}/`,
    protocol: kind === 'example-rasa' ? 'rasa' : 'whatsapp-once-v1',
    secret,
    stop: () => stopChild(child),
  };
}

async function waitUntilAnswering(origin: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the example bot exited before it answered (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`,
      );
    }
    const answered = await fetch(origin, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    if (Date.now() > deadline)
      throw new Error(`the example bot did not answer within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}
