import { type ChildProcess, fork } from 'node:child_process';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { FromWorker, ToWorker } from './worker-protocol';

export interface Invocation {
  status: number;
  /** Handler latency, measured inside the worker around `handler(event, context)`. */
  ms: number;
  error: string | undefined;
}

export interface TargetHost {
  initMs: number;
  invoke(event: APIGatewayProxyEventV2): Promise<Invocation>;
  /** The worker's CPU time so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The Lambda timeout of the deployed function: every invocation starts with this much time left. */
export const REMAINING_MS = 25_000;

/**
 * Starts a worker process hosting one bundle. Its stdout (the handler's logs) goes to /dev/null, as
 * CloudWatch would take it; stderr is kept for the error message if the worker dies.
 */
export async function startTargetHost(
  workerBundle: string,
  targetBundle: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<TargetHost> {
  const child = fork(workerBundle, [targetBundle], {
    env,
    execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  let nextId = 0;
  const pending = new Map<number, (invocation: Invocation) => void>();
  const cpuWaiters: ((ms: number) => void)[] = [];
  let onReady: ((initMs: number) => void) | undefined;
  child.on('message', (message: FromWorker) => {
    if (message.type === 'ready') onReady?.(message.initMs);
    else if (message.type === 'result') {
      pending.get(message.id)?.({ status: message.status, ms: message.ms, error: message.error });
      pending.delete(message.id);
    } else cpuWaiters.shift()?.((message.userMicros + message.systemMicros) / 1_000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`worker for ${targetBundle} exited with ${code}\n${stderr.trim()}`)),
    ),
  );
  exited.catch(() => undefined);
  const initMs = await Promise.race([new Promise<number>((resolve) => (onReady = resolve)), exited]);

  const post = (message: ToWorker) => child.send(message);
  return {
    initMs,
    invoke: (event) =>
      Promise.race([
        new Promise<Invocation>((resolve) => {
          const id = nextId++;
          pending.set(id, resolve);
          post({ type: 'invoke', id, event, remainingMs: REMAINING_MS });
        }),
        exited,
      ]),
    cpuMs: () =>
      Promise.race([
        new Promise<number>((resolve) => {
          cpuWaiters.push(resolve);
          post({ type: 'cpu' });
        }),
        exited,
      ]),
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
