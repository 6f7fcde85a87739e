import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { startStreamPoller } from '../../devkit/dynamodb-stream-poller';
import { invokeInProcess } from '../../devkit/lambda-host/in-process';
import type { Invocation } from '../../devkit/lambda-host/invocation-scope';
import { streamTriggerOf } from '../../lambda/adapters/stream-trigger';
import { buildWorker } from '../../lambda/app/build-worker';
import { recordKey } from '../../lambda/domain/messages';
import type { RedriveQueue } from '../../lambda/domain/ports';
import { redriveHandler, workerHandler } from '../../lambda/queue-chains';
import { stormRedriveQueue } from './redrive-queue';
import { FROZEN_AT_DEADLINE, type StormApp, type StormAppOptions, type StormParts } from './storm-parts';
import { webhookFunction } from './webhook-function';
import { redriveFaults, streamFault } from './worker-faults';

/** The mapping's batch size and filter, as the stack sets them (lib/reply-worker.ts). */
const STREAM_BATCH_SIZE = 20;
const isQueued = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.state?.S === 'queued';

/**
 * Queued mode: the webhook (REPLY_MODE=queued) writes the outbox claim and answers; the table's real
 * stream on DynamoDB Local is polled into the worker function (devkit poller, Lambda's mapping
 * semantics), and re-drives go through a delayed in-memory SQS into the redrive function. Every
 * function is the real handler in warm containers, one invocation each with a deadline, with the
 * plan's faults at its ports; the stream and the queue add their own (duplicate batches, retries,
 * early re-drives).
 */
export async function startQueuedStormApp(parts: StormParts, options: StormAppOptions): Promise<StormApp> {
  const { ctx, ledger, timing } = parts;
  const webhook = webhookFunction(parts, { ...parts.env, REPLY_MODE: 'queued' });
  const busy = new Set<Invocation>();

  // The redrive function consumes the queue the worker writes to: a forward breaks the circle.
  let redrives: ReturnType<typeof stormRedriveQueue> | undefined;
  const redrive: RedriveQueue = {
    schedule: (key, attempt, delay) => {
      ledger.trace(recordKey(key), `re-drive of attempt ${attempt} scheduled in ${delay} s`);
      if (!redrives) throw new Error('re-drive queue not started');
      return redrives.queue.schedule(key, attempt, delay);
    },
  };
  const workerEnv = { ...parts.env, REDRIVE_QUEUE_URL: 'https://sqs.us-east-1.example/000000000000/storm' };
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

  redrives = stormRedriveQueue(async (event) => {
    const response = await run(onRedrive, event);
    return response ?? { batchItemFailures: [] };
  }, redriveFaults(ctx));

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
  const poller = await startStreamPoller({
    endpoint: options.endpoint,
    tableName: parts.table.tableName,
    batchSize: STREAM_BATCH_SIZE,
    filter: isQueued,
    handler: async (event) => {
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
      webhook.idle() &&
      [...busy].every((invocation) => invocation.stopped) &&
      (redrives?.idle() ?? true) &&
      ledger.unsettledOutbox() === 0,
    records: () => parts.table.records(),
    async close() {
      await poller.stop();
      redrives?.stop();
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
