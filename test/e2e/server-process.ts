import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The variables a developer may have exported; the tests pass what they mean explicitly. */
const USER_SETTINGS = /^(WHATSAPP_|TABLE_NAME$|GRAPH_API_|AWS_|BOT_)/;

export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !USER_SETTINGS.test(name)));
}

export interface ServerProcess {
  webhookUrl: string;
  port: number;
  child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * For an afterAll: Ctrl-C, so the server stops its DynamoDB Local (java) and bot children, then
   * SIGKILL if it has not exited within `graceMs`. A SIGKILL alone leaves those children running.
   */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * `npm start` as a user runs it (the same script, on a free port): a separate process, because the
 * handler module reads process.env once at import, like a Lambda container.
 */
export async function startServerProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; readyTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const { child, output } = spawnScript('local/start.ts', ['--port', '0', ...args], options.env);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const webhookUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start in ${readyTimeoutMs} ms:\n${output()}`)),
      readyTimeoutMs,
    );
    const check = () => {
      const match = /Webhook URL\s+(http:\/\/127\.0\.0\.1:\d+\/webhook)/.exec(output());
      if (match?.[1] && output().includes('Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before it was ready:\n${output()}`));
    });
  });

  return {
    webhookUrl,
    port: Number(new URL(webhookUrl).port),
    child,
    output,
    async stop(signal = 'SIGINT') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
    async shutdown(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      if ((await Promise.race([exited, late])) === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    },
  };
}

/** Runs `npm run simulate`'s script to completion. */
export function runSimulateCommand(args: string[]): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnScript('local/simulate.ts', args);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output: output() })));
}

/** A tool script run with tsx as a user runs it, everything it prints kept. */
function spawnScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk) => {
      output += chunk;
    });
  }
  return { child, output: () => output };
}
