import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { lambdaContext } from '../devkit/lambda-host/lambda-context';
import type { LocalSqs } from '../devkit/local-sqs';
import { type QueuedRuntime, startQueuedRuntime } from '../devkit/queued-runtime';
import { type Hosted, InvocationDied, runHosted } from './hosted-invocation';

/** lib/settings.ts `workerTimeoutSeconds`' default: the time each worker and redrive invocation sees. */
const WORKER_TIMEOUT_MS = 60_000;

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

let loaded = false;

/**
 * Queued mode's two other functions, from the modules users deploy (lambda/worker.ts and
 * lambda/redrive.ts), imported after the environment is applied (the webhook's loader does that) and
 * driven as AWS drives them: by the stream mapping and the re-drive queue of devkit/queued-runtime.ts.
 * Each invocation prints one line, so the worker's part of a conversation is visible.
 */
export async function startQueuedFunctions(options: {
  endpoint: string;
  tableName: string;
  queue: LocalSqs;
  print: (line: string) => void;
}): Promise<QueuedRuntime> {
  if (loaded) throw new Error('the worker modules are loaded once per process');
  loaded = true;
  const worker: Handler<DynamoDBStreamEvent, DynamoDBBatchResponse> = (await import('../lambda/worker'))
    .handler;
  const redrive: Handler<SQSEvent, SQSBatchResponse> = (await import('../lambda/redrive')).handler;
  const { print } = options;
  return startQueuedRuntime({
    endpoint: options.endpoint,
    tableName: options.tableName,
    queue: options.queue,
    worker: (event) => invoke('worker ', worker, event, print),
    redrive: (event) => invoke('redrive', redrive, event, print),
    // A dead invocation has its own line already (below).
    onError: (error) => {
      if (!(error instanceof InvocationDied))
        print(`!! queued mode: ${error instanceof Error ? error.message : String(error)}`);
    },
    onDeadLetter: (message) =>
      print(`!! re-drive ${message.messageId} dead-lettered after ${message.receiveCount} receives`),
  });
}

async function invoke<E extends { Records: unknown[] }, R extends { batchItemFailures: unknown[] }>(
  name: string,
  handler: Handler<E, R>,
  event: E,
  print: (line: string) => void,
): Promise<R> {
  const started = performance.now();
  const context = lambdaContext({
    remainingMs: WORKER_TIMEOUT_MS,
    functionName: `whatsapp-once-local-${name.trim()}`,
  });
  const count = event.Records.length;
  const what = name === 'worker ' ? `stream batch of ${plural(count, 'record')}` : plural(count, 're-drive');
  let run: Hosted<R>;
  try {
    run = await runHosted(() => handler(event, context));
  } catch (error) {
    print(`   ${name} ${what} failed: ${error instanceof Error ? error.name : 'error'} (retried)`);
    throw error;
  }
  if (run.kind === 'died') {
    // Lambda reports a crashed runtime to the mapping as a failed invocation: the batch comes again.
    print(`   ${name} ${what} died at the crash switch (retried)`);
    throw new InvocationDied(`the ${name.trim()} invocation died (crash switch)`);
  }
  const failed = run.result?.batchItemFailures.length ?? 0;
  const ms = Math.round(performance.now() - started);
  print(`   ${name} ${what} in ${ms} ms${failed === 0 ? '' : `, ${failed} to retry`}`);
  return run.result;
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
