import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { type StreamPoller, startStreamPoller } from './dynamodb-stream-poller';
import type { LocalSqs, LocalSqsMessage } from './local-sqs';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface QueuedRuntimeOptions {
  /** DynamoDB Local's endpoint; the table must have a stream (createClaimTable's `stream` option). */
  endpoint: string;
  tableName: string;
  /** The worker function (lambda/worker.ts or a bundle), invoked with real stream events. */
  worker: StreamHandler;
  /** The redrive function (lambda/redrive.ts or a bundle), invoked with SQS events from `queue`. */
  redrive: QueueHandler;
  /** The queue the functions' REDRIVE_QUEUE_URL points at (devkit/local-sqs.ts). */
  queue: LocalSqs;
  /** The stream mapping's BatchSize (lib/reply-worker.ts STREAM_MAPPING: 20). */
  streamBatchSize?: number;
  /** The SQS mapping's BatchSize (lib/redrive-function.ts QUEUE_MAPPING: 10). */
  queueBatchSize?: number;
  /** How long a failed re-drive stays hidden before SQS offers it again (short here: nobody waits 6 min). */
  visibilityMs?: number;
  /** Receives before a re-drive goes to the dead-letter queue (lib/redrive-queue.ts MAX_RECEIVE_COUNT). */
  maxReceiveCount?: number;
  /** A poll, invocation or queue failure; the work is retried as AWS would. */
  onError?: (error: unknown) => void;
  /** A re-drive that exhausted its receives (AWS moves it to the re-drive DLQ). */
  onDeadLetter?: (message: LocalSqsMessage) => void;
}

export interface QueuedRuntime {
  /** Resolves when no stream record and no re-drive (delayed, due or in flight) is pending. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The mapping's filter criteria (lib/reply-worker.ts QUEUED_FILTER): only the webhook's queued claims. */
export const isQueuedClaim = (record: DynamoDBRecord): boolean =>
  record.dynamodb?.NewImage?.state?.S === 'queued';

const QUEUE_POLL_MS = 100;
const IN_FLIGHT_VISIBILITY_MS = 60 * 60_000;

/**
 * Queued mode's AWS plumbing on one machine: the stream's event source mapping (the devkit poller,
 * about 4 polls a second, batchItemFailures honoured, filter `state = queued`) into `worker`, and the
 * re-drive queue's event source mapping into `redrive` (failed items visible again after
 * `visibilityMs`, dead-lettered after `maxReceiveCount` receives). The functions are passed in, so the
 * same runtime drives the source modules (npm start) and the bundles (storm, bench).
 */
export async function startQueuedRuntime(options: QueuedRuntimeOptions): Promise<QueuedRuntime> {
  const poller: StreamPoller = await startStreamPoller({
    endpoint: options.endpoint,
    tableName: options.tableName,
    handler: async (event) => (await options.worker(event)) ?? undefined,
    batchSize: options.streamBatchSize ?? 20,
    filter: isQueuedClaim,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const { queue } = options;
  const maxReceiveCount = options.maxReceiveCount ?? 10;
  const visibilityMs = options.visibilityMs ?? 2_000;
  let inFlight = 0;

  const deliverDue = async () => {
    // Hidden while the function runs (SQS's visibility timeout outlasts the function's); a failure
    // shortens it, so the message comes back after `visibilityMs`.
    const messages = queue.receive(options.queueBatchSize ?? 10, IN_FLIGHT_VISIBILITY_MS);
    if (messages.length === 0) return;
    inFlight++;
    try {
      const failed = await failedIds(options, messages);
      for (const message of messages) {
        if (!failed.has(message.messageId)) queue.remove(message.messageId);
        else if (message.receiveCount >= maxReceiveCount) {
          queue.remove(message.messageId);
          options.onDeadLetter?.(message);
        } else queue.changeVisibility(message.messageId, visibilityMs);
      }
    } finally {
      inFlight--;
    }
  };
  let pumping = false;
  const pump = setInterval(() => {
    if (pumping) return;
    pumping = true;
    deliverDue()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        pumping = false;
      });
  }, QUEUE_POLL_MS);

  let stopped = false;
  return {
    async idle() {
      // A re-drive writes to the table and a stream batch may schedule a re-drive: settle both, twice over.
      while (!stopped) {
        await poller.quietRound();
        if (queue.size > 0 || inFlight > 0) {
          await new Promise((resolve) => setTimeout(resolve, QUEUE_POLL_MS));
          continue;
        }
        await poller.quietRound();
        if (queue.size === 0 && inFlight === 0) return;
      }
    },
    async stop() {
      stopped = true;
      clearInterval(pump);
      await poller.stop();
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}

/** Invokes the redrive function like Lambda's SQS mapping; a thrown invocation fails the whole batch. */
async function failedIds(options: QueuedRuntimeOptions, messages: LocalSqsMessage[]): Promise<Set<string>> {
  try {
    const response = await options.redrive(sqsEvent(messages));
    return new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch (error) {
    options.onError?.(error);
    return new Set(messages.map((message) => message.messageId));
  }
}

function sqsEvent(messages: LocalSqsMessage[]): SQSEvent {
  return {
    Records: messages.map((message) => ({
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:redrive',
      awsRegion: 'us-east-1',
    })),
  };
}
