import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { FromWorker, ToWorker } from './worker-protocol';

/**
 * Hosts one target bundle in its own node process, like a Lambda container that takes concurrent
 * invocations: imports the bundle, calls `handler(event, context)` per invoke message and reports the
 * status and the handler latency. A thrown error answers 500, as API Gateway does.
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

const send = (message: FromWorker) => process.send?.(message);

const bundle = process.argv[2];
if (bundle === undefined) throw new Error('usage: worker.mjs <bundle.mjs>');
const started = performance.now();
const module: { handler?: Handler } = await import(pathToFileURL(resolve(bundle)).href);
const initMs = performance.now() - started;
const handler = module.handler;
if (typeof handler !== 'function') throw new Error(`${bundle} exports no handler`);

process.on('message', (message: ToWorker) => {
  if (message.type === 'cpu') {
    const usage = process.cpuUsage();
    send({ type: 'cpu', userMicros: usage.user, systemMicros: usage.system });
    return;
  }
  void invoke(handler, message);
});
// A clean exit on stop, so `--cpu-prof` in NODE_OPTIONS can write its profile.
process.on('SIGTERM', () => process.exit(0));
send({ type: 'ready', initMs });

async function invoke(run: Handler, message: Extract<ToWorker, { type: 'invoke' }>): Promise<void> {
  const context = lambdaContext(message.remainingMs);
  const start = performance.now();
  let status = 500;
  let error: string | undefined;
  try {
    const result = await run(message.event, context);
    status = statusOf(result);
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.name : 'unknown';
  }
  send({ type: 'result', id: message.id, status, ms: performance.now() - start, error });
}

function statusOf(result: unknown): number {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    return typeof result.statusCode === 'number' ? result.statusCode : 500;
  }
  return 200;
}

function lambdaContext(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
