import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type DelayedQueue, startDelayedQueue } from '../../../bench/delayed-queue';
import { encodeRedriveMessage } from '../../../lambda/adapters/redrive-message';
import { sqsRedriveQueue } from '../../../lambda/adapters/sqs-redrive-queue';

describe('the bench delayed queue, as the SQS SDK sees it', () => {
  let queue: DelayedQueue;
  let clock = 1_000_000;
  afterEach(() => queue.close());

  const client = (endpoint: string) =>
    new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });

  it('holds a re-drive the worker sends until its DelaySeconds are over, then hands it out once', async () => {
    queue = await startDelayedQueue(() => clock);
    const sqs = client(queue.endpoint);
    const key = { tenantId: '106540352242922', messageId: 'wamid.A' };
    await sqsRedriveQueue(sqs, queue.queueUrl).schedule(key, 2, 3);
    sqs.destroy();

    expect(queue.receiveDue(10)).toEqual([]);
    clock += 3_000;
    expect(queue.receiveDue(10)).toEqual([encodeRedriveMessage({ key, observedAttempt: 2 })]);
    expect(queue.receiveDue(10)).toEqual([]);
    expect(queue.requests).toEqual({ SendMessage: 1, ReceiveMessage: 1 });
  });

  it('answers an operation it does not serve with an SQS error, and counts it', async () => {
    queue = await startDelayedQueue();
    const sqs = client(queue.endpoint);
    const received = sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.queueUrl }));
    await expect(received).rejects.toMatchObject({ name: 'InvalidAction' });
    sqs.destroy();
    expect(queue.requests).toEqual({ ReceiveMessage: 1 });
  });
});
