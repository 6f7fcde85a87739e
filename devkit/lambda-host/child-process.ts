import { type ChildProcess, fork } from 'node:child_process';
import type { FromChild, ThrownError, ToChild } from './child-protocol';
import { runtimeScript } from './runtime-script';

/** One invocation as the caller sees it: the handler's result or what it threw, and its own latency. */
export type ChildInvocation =
  | { kind: 'result'; result: unknown; status: number; ms: number }
  | { kind: 'error'; error: ThrownError; status: 500; ms: number };

export interface ChildHost {
  /** The bundle's import time in the child: the init phase of a cold start. */
  initMs: number;
  /** `process.version` of the node that runs the bundle. */
  nodeVersion: string;
  /** One invocation with `remainingMs` to its deadline (the host's default timeout if not given). */
  invoke(event: unknown, remainingMs?: number): Promise<ChildInvocation>;
  /** The child's CPU time so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export interface ChildHostOptions {
  /** The bundle (or, with a loader in `execArgv`, a source file) and the handler it exports. */
  bundle: string;
  exportName?: string;
  /** The whole environment of the child, as Lambda would set it: nothing leaks in from this process. */
  env: Record<string, string>;
  /** The function's timeout: what `getRemainingTimeInMillis()` reports at the start of an invocation. */
  timeoutMs: number;
  execArgv?: string[];
  /** Each line the function prints; without it stdout is dropped (as CloudWatch would take it). */
  onLog?: (line: string) => void;
}

/**
 * The Lambda host in its own process: one container that takes invocations (concurrently if the caller
 * sends several). Runs under `LAMBDA_NODE_BINARY` when set (the Lambda runtime's Node version in CI),
 * else under this node, always without this process's loaders.
 */
export async function startChildHost(options: ChildHostOptions): Promise<ChildHost> {
  const child = fork(await runtimeScript(), [options.bundle, options.exportName ?? 'handler'], {
    env: options.env,
    execArgv: options.execArgv ?? [],
    execPath: process.env.LAMBDA_NODE_BINARY ?? process.execPath,
    stdio: ['ignore', options.onLog ? 'pipe' : 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  if (options.onLog) forwardLines(child.stdout, options.onLog);
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  if (options.onLog) forwardLines(child.stderr, options.onLog);

  let nextId = 0;
  const pending = new Map<number, (invocation: ChildInvocation) => void>();
  const cpuWaiters: ((ms: number) => void)[] = [];
  let onReady: ((message: FromChild) => void) | undefined;
  child.on('message', (message: FromChild) => {
    if (message.type === 'ready' || message.type === 'init-error') onReady?.(message);
    else if (message.type === 'cpu')
      cpuWaiters.shift()?.((message.userMicros + message.systemMicros) / 1_000);
    else {
      pending.get(message.id)?.(toInvocation(message));
      pending.delete(message.id);
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`the Lambda host for ${options.bundle} exited with ${code}\n${stderr.trim()}`)),
    ),
  );
  exited.catch(() => undefined);
  const first = await Promise.race([new Promise<FromChild>((resolve) => (onReady = resolve)), exited]);
  if (first.type !== 'ready') {
    child.kill('SIGKILL');
    const reason = first.type === 'init-error' ? `${first.error.name}: ${first.error.message}` : first.type;
    throw new Error(`the bundle failed to load: ${reason}`);
  }
  const ask = <T>(register: (resolve: (value: T) => void) => ToChild): Promise<T> =>
    Promise.race([new Promise<T>((resolve) => child.send(register(resolve))), exited]);

  return {
    initMs: first.initMs,
    nodeVersion: first.nodeVersion,
    invoke: (event, remainingMs = options.timeoutMs) =>
      ask<ChildInvocation>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        return { type: 'invoke', id, event, remainingMs };
      }),
    cpuMs: () =>
      ask<number>((resolve) => {
        cpuWaiters.push(resolve);
        return { type: 'cpu' };
      }),
    stop: () => stopChild(child),
  };
}

function toInvocation(message: Extract<FromChild, { type: 'result' }>): ChildInvocation {
  if (message.error) return { kind: 'error', error: message.error, status: 500, ms: message.ms };
  return { kind: 'result', result: message.result, status: statusOf(message.result), ms: message.ms };
}

/** The HTTP status API Gateway answers for a payload v2.0 result: 200 unless it names one. */
function statusOf(result: unknown): number {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    return typeof result.statusCode === 'number' ? result.statusCode : 500;
  }
  return 200;
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let partial = '';
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
