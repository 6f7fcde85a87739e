import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../../devkit/lambda-host/lambda-context';
import { encodeRedriveMessage } from '../../../lambda/adapters/redrive-message';
import { decodeCallbackData } from '../../../lambda/domain/callback-data';
import { PHONE_NUMBER_ID, type QueuedHarness, sqsEventOf, startQueuedHarness } from './queued-harness';

let h: QueuedHarness;
afterEach(async () => {
  await h?.close();
});

const repliesTo = (id: string) => h.graph.accepted.filter((a) => a.request.inReplyTo === id);

describe('queued mode on DynamoDB Local and its real stream', () => {
  it('answers 200 after one PutItem, then the worker sends exactly one reply from the stream', async () => {
    h = await startQueuedHarness();

    const response = await h.deliver(h.messages([{ id: 'wamid.q1', text: 'hello' }]));

    expect(response.statusCode).toBe(200);
    expect(h.webhookRequests).toEqual({ PutItemCommand: 1 });
    expect(h.webhookGraphCalls).toEqual([]);
    await h.until(async () => (await h.record('wamid.q1'))?.state === 'done');
    expect(repliesTo('wamid.q1')).toHaveLength(1);
    expect(h.graph.requests).toHaveLength(1);
    expect(decodeCallbackData(h.graph.requests[0]?.callbackData)).toMatchObject({ attempt: 2 });
    const record = await h.record('wamid.q1');
    expect(record).toMatchObject({ state: 'done', attempt: 2 });
    // Settled: the message content is gone from the table.
    expect(record).not.toHaveProperty('text');
    expect(record).not.toHaveProperty('replyTo');
  });

  it('answers every copy 200 with one PutItem and no read, during and after the reply', async () => {
    h = await startQueuedHarness();
    h.graph.behave(() => ({ kind: 'accept', delayMs: 1_000 }));
    const body = h.messages([{ id: 'wamid.copies' }]);
    await h.deliver(body);
    await h.until(() => h.graph.requests.length === 1);

    h.resetCounts();
    const during = await Promise.all(Array.from({ length: 5 }, () => h.deliver(body)));
    expect(during.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(h.webhookRequests).toEqual({ PutItemCommand: 5 });

    await h.until(async () => (await h.record('wamid.copies'))?.state === 'done');
    h.resetCounts();
    expect((await h.deliver(body)).statusCode).toBe(200);
    expect(h.webhookRequests).toEqual({ PutItemCommand: 1 });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(repliesTo('wamid.copies')).toHaveLength(1);
  });

  it('sends one reply per message when the stream hands every batch to the worker twice', async () => {
    h = await startQueuedHarness({ redeliverEachBatch: true });

    await h.deliver(h.messages([{ id: 'wamid.r1' }, { id: 'wamid.r2' }, { id: 'wamid.r3' }]));

    await h.until(async () => {
      const records = await Promise.all(['wamid.r1', 'wamid.r2', 'wamid.r3'].map((id) => h.record(id)));
      return records.every((r) => r?.state === 'done');
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(h.graph.requests.map((r) => r.inReplyTo).sort()).toEqual(['wamid.r1', 'wamid.r2', 'wamid.r3']);
    expect(h.invocations.stream).toBeGreaterThanOrEqual(2);
  });

  it('lets exactly one of a re-drive and a stream retry that observed the same attempt take the lease', async () => {
    h = await startQueuedHarness({ poll: false });
    h.graph.behave(() => ({ kind: 'accept', delayMs: 300 }));
    await h.deliver(h.messages([{ id: 'wamid.race' }]));
    const key = { tenantId: PHONE_NUMBER_ID, messageId: 'wamid.race' };
    const streamEvent: DynamoDBStreamEvent = {
      Records: [
        {
          eventName: 'INSERT',
          dynamodb: {
            SequenceNumber: '1',
            NewImage: {
              state: { S: 'queued' },
              attempt: { N: '1' },
              tenantId: { S: key.tenantId },
              messageId: { S: key.messageId },
            },
          },
        },
      ],
    };
    const sqsEvent = sqsEventOf([encodeRedriveMessage({ key, observedAttempt: 1 })]);

    const [fromStream, fromRedrive] = await Promise.all([
      h.onStream(streamEvent, lambdaContext(20_000)),
      h.onRedrive(sqsEvent, lambdaContext(20_000)),
    ]);

    expect(fromStream).toEqual({ batchItemFailures: [] });
    expect(fromRedrive).toEqual({ batchItemFailures: [] });
    expect(h.graph.requests).toHaveLength(1);
    expect(await h.record('wamid.race')).toMatchObject({ state: 'done', attempt: 2 });
    // The loser saw a live lease and handed the message to a re-drive of attempt 2, which finds it done.
    expect(h.redrive.history).toEqual([expect.objectContaining({ observedAttempt: 2 })]);
  });

  it('ends a message whose 24 h window has closed as failed, with no Graph call', async () => {
    h = await startQueuedHarness();
    const sentAt = h.clock.now() - 24 * 3_600_000 - 1_000;

    expect((await h.deliver(h.messages([{ id: 'wamid.old' }], sentAt))).statusCode).toBe(200);

    await h.until(async () => (await h.record('wamid.old'))?.state === 'failed');
    expect(await h.record('wamid.old')).toMatchObject({ state: 'failed', errorCode: 131047 });
    expect(h.graph.requests).toHaveLength(0);
  });

  it('takes over a record released by inline mode, so a mode switch loses nothing', async () => {
    h = await startQueuedHarness();
    const key = { tenantId: PHONE_NUMBER_ID, messageId: 'wamid.switch' };
    const now = h.clock.now();
    const claims = h.worker.deps.claims;
    await claims.claim(
      key,
      { owner: 'inline', attempt: 1, leaseUntil: now + 10_000, expiresAt: Math.floor(now / 1000) + 691_200 },
      { nowMs: now, takeoverBeforeMs: now - 3_000 },
    );
    await claims.release(key, { owner: 'inline', attempt: 1 });

    expect((await h.deliver(h.messages([{ id: 'wamid.switch' }]))).statusCode).toBe(200);

    await h.until(async () => (await h.record('wamid.switch'))?.state === 'done');
    expect(repliesTo('wamid.switch')).toHaveLength(1);
    expect(await h.record('wamid.switch')).toMatchObject({ attempt: 3 });
  });
});
