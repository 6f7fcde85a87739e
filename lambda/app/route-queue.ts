import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { decodeRedriveMessage } from '../adapters/redrive-message';
import { streamTriggerOf } from '../adapters/stream-trigger';
import { canAcknowledge, deliverQueued } from '../domain/deliver-queued';
import type { MessageKey } from '../domain/messages';
import type { WorkerApp } from './build-worker';

type Trigger = { key: MessageKey; observedAttempt: number };

/**
 * The stream trigger: every `queued` record of the batch at once, each reported on its own. A
 * failed record is named by its sequence number; the mapping retries from there (ReportBatchItemFailures).
 */
export function routeStream(app: WorkerApp) {
  return async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const deadline = deadlineOf(app, context);
    const failed = await Promise.all(
      event.Records.map(async (record) => {
        const trigger = streamTriggerOf(record);
        if (trigger.kind === 'ignored') {
          if (trigger.reason === 'malformed') app.deps.observer.triggerRejected('malformed stream image');
          return undefined;
        }
        return (await acknowledged(app, trigger, deadline)) ? undefined : record.dynamodb?.SequenceNumber;
      }),
    );
    return { batchItemFailures: failuresOf(failed) };
  };
}

/** The re-drive trigger: SQS messages, each reported on its own by its messageId. */
export function routeRedrive(app: WorkerApp) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const deadline = deadlineOf(app, context);
    const failed = await Promise.all(
      event.Records.map(async (record) => {
        const message = decodeRedriveMessage(record.body);
        if (message === undefined) {
          // Acknowledged: a body that never parses would otherwise come back until it reaches the DLQ.
          app.deps.observer.triggerRejected('malformed re-drive message');
          return undefined;
        }
        return (await acknowledged(app, message, deadline)) ? undefined : record.messageId;
      }),
    );
    return { batchItemFailures: failuresOf(failed) };
  };
}

async function acknowledged(app: WorkerApp, trigger: Trigger, deadline: number): Promise<boolean> {
  try {
    return canAcknowledge(await deliverQueued(app.deps, { ...trigger, deadline }));
  } catch (error) {
    // A bug, not an outcome: the trigger comes back, the rest of the batch goes on.
    app.logger.error('Worker failed unexpectedly', {
      message_id: trigger.key.messageId,
      tenant_id: trigger.key.tenantId,
      error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'unknown' },
    });
    return false;
  }
}

const failuresOf = (ids: (string | undefined)[]) =>
  ids.flatMap((itemIdentifier) => (itemIdentifier === undefined ? [] : [{ itemIdentifier }]));

function deadlineOf(app: WorkerApp, context: Context | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  const ms = typeof remaining === 'number' && remaining > 0 ? remaining : app.config.defaultRemainingMs;
  return app.deps.clock.now() + ms;
}
