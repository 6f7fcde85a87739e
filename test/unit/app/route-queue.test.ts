import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../devkit/lambda-host/lambda-context';
import { encodeRedriveMessage } from '../../../lambda/adapters/redrive-message';
import type { WorkerApp } from '../../../lambda/app/build-worker';
import { routeRedrive, routeStream } from '../../../lambda/app/route-queue';
import { parseWorkerConfig } from '../../../lambda/config/config';
import { enqueueMessage } from '../../../lambda/domain/enqueue-message';
import type { OutboundReply, SendResult } from '../../../lambda/domain/ports';
import { createTelemetry } from '../../../lambda/observability/telemetry';
import { InMemoryRedriveQueue } from '../../support/in-memory-redrive-queue';
import { message, useCaseFixture } from '../domain/use-case-fixture';

async function workerApp() {
  const f = useCaseFixture();
  const redrive = new InMemoryRedriveQueue(f.clock.now);
  const app: WorkerApp = {
    config: parseWorkerConfig({
      TABLE_NAME: 'claims',
      WHATSAPP_SECRET_ID: 'unused',
      REDRIVE_QUEUE_URL: 'https://sqs.example/1/redrive',
    }),
    deps: { ...f.deps, observer: f.observer, redrive },
    ...createTelemetry(),
  };
  for (const id of ['wamid.1', 'wamid.2']) {
    await enqueueMessage(f.deps, { message: message(id, { timestamp: Math.floor(f.clock.now() / 1000) }) });
  }
  f.observer.events.length = 0;
  return { app, f, redrive };
}

const streamRecord = (messageId: string, sequence: string, state = 'queued'): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: sequence,
    NewImage: {
      state: { S: state },
      attempt: { N: '1' },
      tenantId: { S: '106540352242922' },
      messageId: { S: messageId },
    },
  },
});

describe('routeStream', () => {
  it('replies to every queued record of a batch and reports no failure', async () => {
    const { app, f } = await workerApp();
    const response = await routeStream(app)(
      { Records: [streamRecord('wamid.1', '1'), streamRecord('wamid.2', '2')] },
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(f.sent.map((r) => r.inReplyTo).sort()).toEqual(['wamid.1', 'wamid.2']);
  });

  it('ignores records that are not queued: no lease, no failure', async () => {
    const { app, f } = await workerApp();
    const response = await routeStream(app)(
      { Records: [streamRecord('wamid.1', '1', 'claimed')] },
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(f.claims.calls).not.toContain('lease');
  });

  it('names by sequence number only the record whose message could not be handed on', async () => {
    const { app, redrive } = await workerApp();
    app.deps.replies = {
      send: async (reply: OutboundReply): Promise<SendResult> =>
        reply.inReplyTo === 'wamid.2'
          ? { kind: 'retryable', code: 131016, detail: 'down' }
          : { kind: 'sent', outboundId: 'wamid.out' },
      markRead: async () => 'ok',
    };
    redrive.failNext = 1;
    const response = await routeStream(app)(
      { Records: [streamRecord('wamid.1', '1'), streamRecord('wamid.2', '2')] },
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });
});

describe('routeRedrive', () => {
  it('leases from a re-drive message and reports failures by messageId', async () => {
    const { app, f } = await workerApp();
    f.claims.failNext.set('lease', 1);
    const body = encodeRedriveMessage({ key: message('wamid.1').key, observedAttempt: 1 });
    const event = { Records: [{ messageId: 'sqs-1', body }] };
    // Only the fields the router reads: messageId and body.
    const first = await routeRedrive(app)(
      event as Parameters<ReturnType<typeof routeRedrive>>[0],
      lambdaContext(),
    );
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'sqs-1' }] });
    const second = await routeRedrive(app)(
      event as Parameters<ReturnType<typeof routeRedrive>>[0],
      lambdaContext(),
    );
    expect(second).toEqual({ batchItemFailures: [] });
    expect(f.sent).toHaveLength(1);
  });

  it('acknowledges and reports a malformed message instead of retrying it forever', async () => {
    const { app, f } = await workerApp();
    const event = { Records: [{ messageId: 'sqs-2', body: '{"v":1}' }] };
    const response = await routeRedrive(app)(
      event as Parameters<ReturnType<typeof routeRedrive>>[0],
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(f.observer.names()).toEqual(['triggerRejected']);
  });
});
