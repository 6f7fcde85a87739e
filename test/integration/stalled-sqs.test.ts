import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StalledServer, startStalledServer } from '../../devkit/faults/stalled-server';
import { createSqsClient, REDRIVE_CALL_BOUND_MS, SQS_TIMEOUTS } from '../../lambda/adapters/sqs-client';
import { sqsRedriveQueue } from '../../lambda/adapters/sqs-redrive-queue';

/** A SQS endpoint that accepts every connection and never answers: a stalled network path. */
let stalled: StalledServer;
let endpoint: string;

beforeAll(async () => {
  stalled = await startStalledServer();
  endpoint = stalled.endpoint;
});

afterAll(() => stalled.close());

// The slack covers timers and event-loop delay on a busy machine, not another attempt.
const SLACK_MS = 1_000;

describe('SQS client against a server that accepts and never answers', () => {
  it('fails a re-drive with RedriveError within the bound, after every SDK attempt timed out', async () => {
    const client = createSqsClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'stalled', secretAccessKey: 'stalled' },
    });
    const queue = sqsRedriveQueue(client, `${endpoint}/123456789012/redrives`);
    const before = stalled.connections();
    const started = Date.now();

    const schedule = queue.schedule({ tenantId: '106540352242922', messageId: 'wamid.stalled' }, 1, 5);

    await expect(schedule).rejects.toMatchObject({
      name: 'RedriveError',
      cause: expect.objectContaining({ name: 'TimeoutError' }),
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(SQS_TIMEOUTS.maxAttempts * SQS_TIMEOUTS.requestTimeoutMs);
    expect(elapsed).toBeLessThan(REDRIVE_CALL_BOUND_MS + SLACK_MS);
    expect(stalled.connections() - before).toBe(SQS_TIMEOUTS.maxAttempts);
    client.destroy();
  });
});
