import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { encodeRedriveMessage } from '../../lambda/adapters/redrive-message';
import type { MessageKey } from '../../lambda/domain/messages';
import type { RedriveQueue } from '../../lambda/domain/ports';

/** SQS makes a message the function failed visible again after this long (compressed, as the storm's time is). */
const VISIBILITY_MS = 1_000;
const PUMP_EVERY_MS = 100;

export interface RedriveFaults {
  /** The queue delivers a re-drive at once, ignoring its delay: it races the stream's retry and live leases. */
  early(key: MessageKey): boolean;
  /** SQS's at-least-once delivery: the re-drive arrives twice. */
  duplicate(key: MessageKey): boolean;
}

interface Queued {
  body: string;
  dueAt: number;
}

/**
 * SQS with DelaySeconds, in memory, pumped into the redrive function like Lambda's SQS event
 * source: due messages in one batch; each failed one visible again after VISIBILITY_MS.
 */
export function stormRedriveQueue(
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>,
  faults: RedriveFaults,
) {
  const pending: Queued[] = [];
  let inFlight = 0;
  const queue: RedriveQueue = {
    async schedule(key, observedAttempt, delaySeconds) {
      const body = encodeRedriveMessage({ key, observedAttempt });
      const dueAt = faults.early(key) ? Date.now() : Date.now() + delaySeconds * 1000;
      pending.push({ body, dueAt });
      if (faults.duplicate(key)) pending.push({ body, dueAt: dueAt + 50 });
    },
  };
  const pump = async () => {
    const now = Date.now();
    const due = pending.filter((entry) => entry.dueAt <= now);
    if (due.length === 0) return;
    for (const entry of due) pending.splice(pending.indexOf(entry), 1);
    const event = sqsEventOf(due.map((entry) => entry.body));
    inFlight++;
    try {
      let response: SQSBatchResponse;
      try {
        response = await invoke(event);
      } catch {
        response = { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      }
      const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      for (const record of event.Records) {
        if (failed.has(record.messageId))
          pending.push({ body: record.body, dueAt: Date.now() + VISIBILITY_MS });
      }
    } finally {
      inFlight--;
    }
  };
  // Batches of one poll run side by side, as Lambda scales an SQS source out.
  const timer = setInterval(() => void pump(), PUMP_EVERY_MS);
  return {
    queue,
    /** Nothing waiting and nothing being handled. */
    idle: () => pending.length === 0 && inFlight === 0,
    stop: () => clearInterval(timer),
  };
}

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
        SenderId: 'storm',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:storm-redrive',
      awsRegion: 'us-east-1',
    })),
  };
}
