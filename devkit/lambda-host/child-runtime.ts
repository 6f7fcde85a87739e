import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isRecord } from '../../lambda/json-object';
import type { FromChild, ThrownError, ToChild } from './child-protocol';
import { lambdaContext } from './lambda-context';

/**
 * The child process of the Lambda host, run under plain node the way the Node.js runtime runs a
 * function: import the bundle once (the cold start), then call the handler once per invoke message,
 * several at a time if asked, with a context whose deadline is the one the host gives.
 * Bundled by child-process.ts, so it needs neither tsx nor TypeScript in the child.
 */
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const send = (message: FromChild) => process.send?.(message);
const describe = (error: unknown): ThrownError =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'unknown', message: String(error) };

const [file, exportName = 'handler'] = process.argv.slice(2);
let handler: Handler;
const started = performance.now();
try {
  if (file === undefined) throw new Error('usage: lambda-runtime.mjs <bundle> [export]');
  const module: Record<string, unknown> = await import(pathToFileURL(resolve(file)).href);
  const exported = module[exportName];
  if (typeof exported !== 'function') throw new Error(`${file} exports no function "${exportName}"`);
  handler = exported as Handler;
} catch (error) {
  send({ type: 'init-error', error: describe(error) });
  process.exit(1);
}
send({ type: 'ready', initMs: performance.now() - started, nodeVersion: process.version });

process.on('message', async (message: ToChild) => {
  if (message.type === 'cpu') {
    const usage = process.cpuUsage();
    send({ type: 'cpu', userMicros: usage.user, systemMicros: usage.system });
    return;
  }
  const context = lambdaContext({
    remainingMs: message.remainingMs,
    requestId: requestIdOf(message.event) ?? `local-${message.id}`,
  });
  const start = performance.now();
  try {
    const result = await handler(message.event, context);
    send({ type: 'result', id: message.id, ms: performance.now() - start, result });
  } catch (error) {
    send({ type: 'result', id: message.id, ms: performance.now() - start, error: describe(error) });
  }
});
// A clean exit on stop, so `--cpu-prof` can write its profile; and none left behind by a dead host.
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));

/** API Gateway's request id, which Lambda passes on as the invocation's; other events have none. */
function requestIdOf(event: unknown): string | undefined {
  const id = isRecord(event) && isRecord(event.requestContext) ? event.requestContext.requestId : undefined;
  return typeof id === 'string' ? id : undefined;
}
