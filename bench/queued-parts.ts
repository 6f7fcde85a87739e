import { setTimeout as delay } from 'node:timers/promises';
import type { DynamoDBBatchResponse, SQSBatchResponse } from 'aws-lambda';
import type { RunningDynamoDb } from '../devkit/dynamodb-local';
import { type ChildHost, startChildHost } from '../devkit/lambda-host/child-process';
import { startLocalSqs } from '../devkit/local-sqs';
import { startQueuedRuntime } from '../devkit/queued-runtime';
import { QUEUE_MAPPING } from '../lib/redrive-function';
import { STREAM_MAPPING } from '../lib/reply-worker';
import { DEFAULT_SETTINGS } from '../lib/settings';
import { type CountingProxy, startCountingProxy } from './counting-proxy';
import type { QueuedFunction } from './measure';

const WORKER_TIMEOUT_MS = DEFAULT_SETTINGS.workerTimeoutSeconds * 1_000;

/** Queued mode's second and third functions, as AWS runs them beside one webhook. */
export interface QueuedParts {
  worker: ChildHost;
  redrive: ChildHost;
  /** The worker's and the redrive function's DynamoDB requests (the webhook has its own proxy). */
  proxy: CountingProxy;
  /** The duration of every invocation so far, per function. */
  invocations: Record<QueuedFunction, number[]>;
  /** SQS requests so far, by operation: the functions' sends, and the event source's receives and deletes. */
  sqsRequests(): Record<string, number>;
  /** Worker or redrive invocations that threw, failed polls (AWS retries them, and so does the runtime). */
  failures: string[];
  /** Resolves once no stream record and no re-drive is pending, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<'idle' | 'timed-out'>;
  stop(): Promise<void>;
}

export interface QueuedBundles {
  worker: string;
  redrive: string;
  execArgv?: string[];
}

/**
 * The worker and the redrive function, each in its own Lambda host process so its CPU and durations
 * are its own, driven by the devkit's queued runtime: the table's stream through the mapping's batch
 * size and filter, and the re-drive queue (devkit/local-sqs.ts, behind a counting proxy).
 */
export async function startQueuedParts(
  db: RunningDynamoDb,
  tableName: string,
  env: Record<string, string>,
  bundles: QueuedBundles,
): Promise<QueuedParts> {
  const proxy = await startCountingProxy(db.endpoint);
  const queue = await startLocalSqs();
  // The proxy counts SQS requests by X-Amz-Target (`AmazonSQS.SendMessage` -> SendMessage) too.
  const sqsProxy = await startCountingProxy(queue.endpoint);
  const functionEnv = {
    ...env,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsProxy.endpoint,
    REDRIVE_QUEUE_URL: `${sqsProxy.endpoint}/000000000000/redrive`,
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
  const eventSource = { ReceiveMessage: 0, DeleteMessageBatch: 0 };
  const failures: string[] = [];
  const invoke = async (role: QueuedFunction, target: ChildHost, event: unknown) => {
    const invocation = await target.invoke(event);
    invocations[role].push(invocation.ms);
    if (invocation.kind === 'error') throw new Error(`the ${role} threw ${invocation.error.name}`);
    return invocation.result;
  };

  const runtime = await startQueuedRuntime({
    endpoint: db.endpoint,
    tableName,
    queue,
    streamBatchSize: STREAM_MAPPING.batchSize,
    queueBatchSize: QUEUE_MAPPING.batchSize,
    worker: async (event) => (await invoke('worker', worker, event)) as DynamoDBBatchResponse | undefined,
    redrive: async (event) => {
      eventSource.ReceiveMessage++;
      const response = (await invoke('redrive', redrive, event)) as SQSBatchResponse | undefined;
      if ((response?.batchItemFailures.length ?? 0) < event.Records.length) eventSource.DeleteMessageBatch++;
      return response;
    },
    onError: (error) => failures.push(error instanceof Error ? error.message : String(error)),
  });

  return {
    worker,
    redrive,
    proxy,
    invocations,
    sqsRequests: () => {
      const sent = Object.fromEntries(
        Object.entries(sqsProxy.snapshot()).map(([operation, c]) => [
          operation,
          c.ok + c.conditionFailed + c.error,
        ]),
      );
      return Object.fromEntries(Object.entries({ ...sent, ...eventSource }).filter(([, n]) => n > 0));
    },
    failures,
    async idle(timeoutMs) {
      const timer = new AbortController();
      const timeout = delay(timeoutMs, 'timed-out' as const, { signal: timer.signal }).catch(
        () => 'idle' as const,
      );
      try {
        return await Promise.race([runtime.idle().then(() => 'idle' as const), timeout]);
      } finally {
        timer.abort();
      }
    },
    async stop() {
      await runtime.stop();
      await worker.stop();
      await redrive.stop();
      await sqsProxy.close();
      await queue.close();
      await proxy.close();
    },
  };
}
