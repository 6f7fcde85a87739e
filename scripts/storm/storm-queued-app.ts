import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../devkit/dynamodb-local';
import { invokeInProcess } from '../../devkit/lambda-host/in-process';
import type { Invocation } from '../../devkit/lambda-host/invocation-scope';
import { startLocalSqs } from '../../devkit/local-sqs';
import { startQueuedRuntime } from '../../devkit/queued-runtime';
import { sqsRedriveQueue } from '../../lambda/adapters/sqs-redrive-queue';
import { streamTriggerOf } from '../../lambda/adapters/stream-trigger';
import { buildWorker } from '../../lambda/app/build-worker';
import { recordKey } from '../../lambda/domain/messages';
import { redriveHandler, workerHandler } from '../../lambda/queue-chains';
import { FROZEN_AT_DEADLINE, type StormApp, type StormAppOptions, type StormParts } from './storm-parts';
import { webhookFunction } from './webhook-function';
import { faultyRedrives, streamFault } from './worker-faults';

/**
 * Queued mode: the webhook (REPLY_MODE=queued) writes the outbox claim and answers; the table's real
 * stream on DynamoDB Local is polled into the worker function, and re-drives go through a local SQS
 * queue into the redrive function (devkit/queued-runtime.ts, the one shared with npm start). Every
 * function is the real handler in warm containers, one invocation each with a deadline, with the
 * plan's faults at its ports; the stream and the queue add their own (duplicate batches, retries,
 * early re-drives).
 */
export async function startQueuedStormApp(parts: StormParts, options: StormAppOptions): Promise<StormApp> {
  const { ctx, ledger, timing } = parts;
  const webhook = webhookFunction(parts, { ...parts.env, REPLY_MODE: 'queued' });
  const busy = new Set<Invocation>();

  // The re-drive queue speaks SQS's SendMessage; the worker's own SQS adapter writes to it, through
  // the plan's re-drive faults (early, twice).
  const sqs = await startLocalSqs();
  const sqsClient = new SQSClient({
    endpoint: sqs.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const redrive = faultyRedrives(ctx, sqsRedriveQueue(sqsClient, sqs.queueUrl));
  const workerEnv = { ...parts.env, REDRIVE_QUEUE_URL: sqs.queueUrl };
  const workerApp = () =>
    buildWorker(workerEnv, { dynamoDb: parts.faultyClient(), ...parts.ports(), redrive });
  const onStream = containers(() => workerHandler(workerApp()));
  const onRedrive = containers(() => redriveHandler(workerApp()));

  /** One invocation in a warm container; a died or timed-out one throws, as Lambda reports it to the trigger. */
  async function run<E, R>(pool: Containers<E, R>, event: E): Promise<R> {
    const handler = pool.take();
    const { outcome, invocation, finished } = await invokeInProcess(
      handler,
      event,
      timing.remainingMs,
      FROZEN_AT_DEADLINE,
    );
    if (!invocation.stopped) {
      busy.add(invocation);
      void finished.then(() => busy.delete(invocation));
    }
    if (outcome.kind !== 'returned') throw new Error(`worker invocation ${outcome.kind}`);
    pool.give(handler);
    return outcome.result;
  }

  const deliver = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    try {
      return (await run(onStream, event)) ?? { batchItemFailures: [] };
    } catch (error) {
      ledger.count('stream batch retried after a failed invocation');
      throw error;
    }
  };
  const pks = (event: DynamoDBStreamEvent) =>
    event.Records.flatMap((record) => {
      const trigger = streamTriggerOf(record);
      return trigger.kind === 'trigger' ? [recordKey(trigger.key)] : [];
    });
  const runtime = await startQueuedRuntime({
    endpoint: options.endpoint,
    tableName: parts.table.tableName,
    queue: sqs,
    redrive: (event) => run(onRedrive, event),
    onDeadLetter: () => ledger.count('re-drive dead-lettered'),
    worker: async (event) => {
      const fault = streamFault(ctx, pks(event));
      try {
        if (fault?.kind === 'redeliver') {
          // The same batch handed to a second invocation while the first still runs.
          const [first] = await Promise.all([deliver(event), deliver(event).catch(() => undefined)]);
          return first;
        }
        const response = await deliver(event);
        const firstSequence = event.Records[0]?.dynamodb?.SequenceNumber;
        if (fault?.kind === 'retry' && response.batchItemFailures.length === 0 && firstSequence) {
          // The mapping retries a batch the worker handled (its answer was lost): every record comes again.
          return { batchItemFailures: [{ itemIdentifier: firstSequence }] };
        }
        return response;
      } finally {
        if (fault?.kind === 'die-mid-batch') fault.release();
      }
    },
  });

  return {
    graph: parts.graph,
    ledger,
    invoke: (body) => webhook.invoke(body),
    idle: () =>
      webhook.idle() && [...busy].every((invocation) => invocation.stopped) && ledger.unsettledOutbox() === 0,
    records: () => parts.table.records(),
    async close() {
      await runtime.stop();
      await sqs.close();
      sqsClient.destroy();
      await parts.close();
    },
  };
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;
interface Containers<E, R> {
  take(): Handler<E, R>;
  give(handler: Handler<E, R>): void;
}

/** Lambda runs one invocation at a time per container: a warm one is reused, a stopped one is not. */
function containers<E, R>(build: () => Handler<E, R>): Containers<E, R> {
  const warm: Handler<E, R>[] = [];
  return { take: () => warm.pop() ?? build(), give: (handler) => warm.push(handler) };
}
