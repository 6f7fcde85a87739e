import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { inject } from 'vitest';
import {
  countingDynamoDbClient,
  createClaimTable,
  localDynamoDbClient,
  readRawItem,
} from '../../../devkit/dynamodb-local';
import { type StreamPoller, startStreamPoller } from '../../../devkit/dynamodb-stream-poller';
import { startGraphStub } from '../../../devkit/graph-stub';
import { lambdaContext } from '../../../devkit/lambda-host/lambda-context';
import { messagesWebhook, metaJson, type TextMessageSpec } from '../../../devkit/meta/meta-json';
import { signedPost } from '../../../devkit/webhook-events';
import { encodeRedriveMessage } from '../../../lambda/adapters/redrive-message';
import { buildApp, type WebhookApp } from '../../../lambda/app/build-app';
import { buildWorker, type WorkerApp } from '../../../lambda/app/build-worker';
import type { Bot } from '../../../lambda/domain/ports';
import { redriveHandler, workerHandler } from '../../../lambda/queue-chains';
import { webhookHandler } from '../../../lambda/webhook-chain';
import { InMemoryRedriveQueue } from '../../support/in-memory-redrive-queue';
import { APP_SECRET, PHONE_NUMBER_ID, shiftableClock } from '../harness';

export { PHONE_NUMBER_ID };

export interface QueuedHarnessOptions {
  /** The worker's bot (the webhook keeps the default: it only asks whether the bot answers). */
  bot?: Bot;
  /** Wraps the worker's fetch, to stop a worker at a chosen point of its Graph call. */
  workerFetch?: (real: typeof fetch) => typeof fetch;
  /** Time each worker and redrive invocation has before Lambda stops it. */
  workerRemainingMs?: number;
  /** Extra environment for both functions (SEND_TIMEOUT_MS...). */
  env?: Record<string, string>;
  /** Hand every stream batch to the worker twice (the mapping's at-least-once delivery). */
  redeliverEachBatch?: boolean;
  /** Start the stream poller (off for tests that hand triggers to the worker themselves). */
  poll?: boolean;
}

/**
 * Queued mode end to end on DynamoDB Local: the webhook (REPLY_MODE=queued) through the real middy
 * chain, the table's real stream read by the devkit poller into the worker, and re-drives from an
 * in-memory SQS on the same clock, pumped into the redrive function. One Graph stub records replies.
 */
export async function startQueuedHarness(options: QueuedHarnessOptions = {}) {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `queued-${randomUUID()}`;
  const admin = localDynamoDbClient(endpoint);
  await createClaimTable(admin, tableName, { stream: true });
  const webhookDb = countingDynamoDbClient(endpoint);
  const workerDb = localDynamoDbClient(endpoint);
  const graph = await startGraphStub();
  const clock = shiftableClock();
  const redrive = new InMemoryRedriveQueue(clock.now);
  const env = {
    TABLE_NAME: tableName,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_ACCESS_TOKEN: 'integration-access-token',
    WHATSAPP_VERIFY_TOKEN: 'integration-verify-token',
    GRAPH_API_BASE_URL: graph.baseUrl,
    ...options.env,
  };
  const webhookGraphCalls: string[] = [];
  const webhookApp: WebhookApp = buildApp(
    { ...env, REPLY_MODE: 'queued' },
    {
      dynamoDb: webhookDb.client,
      clock,
      fetch: async (url) => {
        webhookGraphCalls.push(String(url));
        throw new Error('the queued webhook must not call Graph');
      },
    },
  );
  const worker: WorkerApp = buildWorker(
    { ...env, REDRIVE_QUEUE_URL: 'https://sqs.us-east-1.example/000000000000/redrive' },
    {
      dynamoDb: workerDb,
      clock,
      redrive,
      ...(options.bot ? { bot: options.bot } : {}),
      ...(options.workerFetch ? { fetch: options.workerFetch(globalThis.fetch) } : {}),
    },
  );
  const webhook = webhookHandler(webhookApp);
  const onStream = workerHandler(worker);
  const onRedrive = redriveHandler(worker);
  const remainingMs = options.workerRemainingMs ?? 20_000;
  const invocations = { stream: 0, redrive: 0, stopped: 0 };

  /**
   * One Lambda invocation, stopped at its deadline: by middy's own timeout just before it, or by
   * this timer. The work goes on as a zombie whose writes are fenced.
   */
  async function invoke<E, R>(
    handler: (event: E, context: ReturnType<typeof lambdaContext>) => Promise<R>,
    event: E,
  ) {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Task timed out')), remainingMs);
    });
    try {
      return await Promise.race([handler(event, lambdaContext(remainingMs)), deadline]);
    } catch (error) {
      invocations.stopped++;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  const streamHandler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse | undefined> => {
    invocations.stream++;
    const response = (await invoke(onStream, event)) ?? undefined;
    if (options.redeliverEachBatch && (response?.batchItemFailures.length ?? 0) === 0) {
      invocations.stream++;
      return (await invoke(onStream, event)) ?? undefined;
    }
    return response;
  };
  const poller: StreamPoller | undefined =
    options.poll === false
      ? undefined
      : await startStreamPoller({ endpoint, tableName, handler: streamHandler, batchSize: 100 });

  /** SQS to the redrive function: due messages are delivered; a failed one is visible again a second later. */
  const pumpRedrives = async () => {
    const due = redrive.takeDue();
    if (due.length === 0) return;
    const event = sqsEventOf(due.map((entry) => encodeRedriveMessage(entry)));
    invocations.redrive++;
    let response: SQSBatchResponse | undefined;
    try {
      response = (await invoke(onRedrive, event)) ?? undefined;
    } catch {
      response = { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    }
    for (const failure of response?.batchItemFailures ?? []) {
      const index = event.Records.findIndex((r) => r.messageId === failure.itemIdentifier);
      const entry = due[index];
      if (entry) await redrive.schedule(entry.key, entry.observedAttempt, 1);
    }
  };
  let pumping = false;
  const pump = setInterval(() => {
    if (pumping) return;
    pumping = true;
    pumpRedrives().finally(() => {
      pumping = false;
    });
  }, 100);

  return {
    tableName,
    graph,
    clock,
    redrive,
    worker,
    invocations,
    webhookGraphCalls,
    /** DynamoDB requests of the webhook only, by command name. */
    webhookRequests: webhookDb.requests,
    onStream,
    onRedrive,
    async deliver(body: unknown): Promise<APIGatewayProxyStructuredResultV2> {
      const raw = typeof body === 'string' ? body : metaJson(body);
      const result = await webhook(signedPost(raw, APP_SECRET), lambdaContext(20_000));
      if (typeof result !== 'object') throw new Error('handler returned a bare string');
      return result;
    },
    /** Meta's webhook for these messages, sent now (a current `timestamp`, inside the reply window). */
    messages(specs: TextMessageSpec[], sentAtMs = clock.now()) {
      const timestamp = String(Math.floor(sentAtMs / 1000));
      return messagesWebhook(
        PHONE_NUMBER_ID,
        specs.map((spec) => ({ ...spec, extra: { timestamp, ...spec.extra } })),
      );
    },
    record: (messageId: string) => readRawItem(admin, tableName, `${PHONE_NUMBER_ID}#${messageId}`),
    resetCounts() {
      for (const name of Object.keys(webhookDb.requests)) delete webhookDb.requests[name];
    },
    /** Polls `check` until it holds (stream, worker and re-drives run in the background). */
    async until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
      const started = Date.now();
      while (!(await check())) {
        if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the worker');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      clearInterval(pump);
      await poller?.stop();
      await graph.close();
      webhookDb.client.destroy();
      workerDb.destroy();
      admin.destroy();
    },
  };
}

export type QueuedHarness = Awaited<ReturnType<typeof startQueuedHarness>>;

/** An SQS event as Lambda's SQS event source delivers these bodies. */
export function sqsEventOf(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body) => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:redrive',
      awsRegion: 'us-east-1',
    })),
  };
}
