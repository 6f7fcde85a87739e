import { randomUUID } from 'node:crypto';
import type { DynamoDBBatchResponse, DynamoDBRecord, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { RunningDynamoDb } from '../devkit/dynamodb-local';
import { startStreamPoller } from '../devkit/dynamodb-stream-poller';
import { type ChildHost, type ChildInvocation, startChildHost } from '../devkit/lambda-host/child-process';
import { sleep } from '../devkit/sleep';
import { QUEUE_MAPPING } from '../lib/redrive-function';
import { STREAM_MAPPING } from '../lib/reply-worker';
import { DEFAULT_SETTINGS } from '../lib/settings';
import { type CountingProxy, startCountingProxy } from './counting-proxy';
import { type DelayedQueue, startDelayedQueue } from './delayed-queue';
import type { QueuedFunction } from './measure';

/** Lambda polls a stream shard about four times a second. */
const POLL_INTERVAL_MS = 250;
/** How often the pump plays the SQS event source (which long-polls, so a due message goes at once). */
const PUMP_INTERVAL_MS = 100;
/**
 * A re-drive the redrive function reported failed is received again after this. The deployed queue's
 * visibility timeout is 360 s; a bench phase cannot wait that long, and none failed in our runs.
 */
const RETRY_VISIBLE_AFTER_MS = 1_000;
const WORKER_TIMEOUT_MS = DEFAULT_SETTINGS.workerTimeoutSeconds * 1_000;

/** Queued mode's second and third functions, as AWS runs them beside one webhook. */
export interface QueuedParts {
  worker: ChildHost;
  redrive: ChildHost;
  /** The worker's and the redrive function's DynamoDB requests (the webhook has its own proxy). */
  proxy: CountingProxy;
  queue: DelayedQueue;
  /** The duration of every invocation so far, per function. */
  invocations: Record<QueuedFunction, number[]>;
  /** Worker or redrive invocations that threw (the poller retries the batch, like Lambda). */
  failures: string[];
  /** Resolves once `done()` holds and nothing runs or waits: no invocation, no held re-drive, a quiet stream. */
  idle(done: () => boolean, timeoutMs: number): Promise<'idle' | 'timed-out'>;
  stop(): Promise<void>;
}

export interface QueuedBundles {
  worker: string;
  redrive: string;
  execArgv?: string[];
}

/**
 * The worker (on the table's stream, read by the devkit poller on DynamoDB Local with the mapping's
 * batch size and filter) and the redrive function (fed from the delayed queue), each in its own
 * Lambda host process so its CPU and duration are its own.
 */
export async function startQueuedParts(
  db: RunningDynamoDb,
  tableName: string,
  env: Record<string, string>,
  bundles: QueuedBundles,
): Promise<QueuedParts> {
  const proxy = await startCountingProxy(db.endpoint);
  const queue = await startDelayedQueue();
  const functionEnv = {
    ...env,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_ENDPOINT_URL_SQS: queue.endpoint,
    REDRIVE_QUEUE_URL: queue.queueUrl,
    // As the CDK stack sets it (lib/settings.ts): sends per phone_number_id per container.
    SEND_RATE_PER_SECOND: String(DEFAULT_SETTINGS.sendRatePerSecond),
  };
  const host = (bundle: string) =>
    startChildHost({
      bundle,
      env: functionEnv,
      timeoutMs: WORKER_TIMEOUT_MS,
      ...(bundles.execArgv ? { execArgv: bundles.execArgv } : {}),
    });
  const worker = await host(bundles.worker);
  const redrive = await host(bundles.redrive);
  const invocations: QueuedParts['invocations'] = { worker: [], redrive: [] };
  const failures: string[] = [];
  let running = 0;
  let lastActivity = Date.now();
  const invoke = async (
    role: QueuedFunction,
    target: ChildHost,
    event: unknown,
  ): Promise<ChildInvocation> => {
    running++;
    lastActivity = Date.now();
    try {
      const invocation = await target.invoke(event);
      invocations[role].push(invocation.ms);
      if (invocation.kind === 'error') failures.push(`${role}: ${invocation.error.name}`);
      return invocation;
    } finally {
      running--;
      lastActivity = Date.now();
    }
  };

  const poller = await startStreamPoller({
    endpoint: db.endpoint,
    tableName,
    batchSize: STREAM_MAPPING.batchSize,
    pollIntervalMs: POLL_INTERVAL_MS,
    filter: isQueuedClaim,
    handler: async (event) => {
      const invocation = await invoke('worker', worker, event);
      if (invocation.kind === 'error') throw new Error(`the worker threw ${invocation.error.name}`);
      return invocation.result as DynamoDBBatchResponse | undefined;
    },
    onError: (error) => failures.push(`stream: ${error instanceof Error ? error.name : String(error)}`),
  });

  let pumping = false;
  const pump = setInterval(async () => {
    if (pumping) return;
    pumping = true;
    try {
      const due = queue.receiveDue(QUEUE_MAPPING.batchSize);
      if (due.length > 0) await redriveBatch(due);
    } finally {
      pumping = false;
    }
  }, PUMP_INTERVAL_MS);
  const redriveBatch = async (bodies: string[]) => {
    const event = sqsEventOf(bodies);
    const invocation = await invoke('redrive', redrive, event);
    const failed =
      invocation.kind === 'error'
        ? event.Records.map((r) => r.messageId)
        : ((invocation.result as SQSBatchResponse | undefined)?.batchItemFailures ?? []).map(
            (f) => f.itemIdentifier,
          );
    event.Records.forEach((record, index) => {
      if (failed.includes(record.messageId)) queue.returnLater(bodies[index] ?? '', RETRY_VISIBLE_AFTER_MS);
    });
    if (failed.length < bodies.length) queue.deleted();
  };

  return {
    worker,
    redrive,
    proxy,
    queue,
    invocations,
    failures,
    async idle(done, timeoutMs) {
      const started = Date.now();
      const quiet = () =>
        running === 0 && queue.held() === 0 && Date.now() - lastActivity > 2 * POLL_INTERVAL_MS;
      while (!(done() && quiet())) {
        if (Date.now() - started > timeoutMs) return 'timed-out';
        await sleep(50);
      }
      return 'idle';
    },
    async stop() {
      clearInterval(pump);
      await poller.stop();
      await worker.stop();
      await redrive.stop();
      await queue.close();
      await proxy.close();
    },
  };
}

/** The mapping's filter (lib/reply-worker.ts QUEUED_FILTER): only what the webhook wrote as queued. */
const isQueuedClaim = (record: DynamoDBRecord): boolean => record.dynamodb?.NewImage?.state?.S === 'queued';

/** An SQS event as Lambda's SQS event source delivers these bodies. */
function sqsEventOf(bodies: string[]): SQSEvent {
  const now = String(Date.now());
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: now,
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:whatsapp-once-redrive',
      awsRegion: 'us-east-1',
    })),
  };
}
