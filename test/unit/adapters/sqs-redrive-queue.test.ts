import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeRedriveMessage, encodeRedriveMessage } from '../../../lambda/adapters/redrive-message';
import { sqsRedriveQueue } from '../../../lambda/adapters/sqs-redrive-queue';

const QUEUE = 'https://sqs.eu-west-1.example/123456789012/redrive';
const KEY = { tenantId: '106540352242922', messageId: 'wamid.A' };
const client = new SQSClient({ region: 'eu-west-1' });
const sqs = mockClient(client);

beforeEach(() => sqs.reset());

describe('sqsRedriveQueue', () => {
  it('sends one message naming the key and the observed attempt, delayed by SQS', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });

    await sqsRedriveQueue(client, QUEUE).schedule(KEY, 2, 4);

    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE,
      MessageBody: '{"v":1,"tenantId":"106540352242922","messageId":"wamid.A","attempt":2}',
      DelaySeconds: 4,
    });
  });

  it.each([
    [1_800, 900],
    [-3, 0],
    [1.2, 2],
  ])('keeps a delay of %s s inside what SQS accepts (%s)', async (asked, sent) => {
    sqs.on(SendMessageCommand).resolves({});
    await sqsRedriveQueue(client, QUEUE).schedule(KEY, 1, asked);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(sent);
  });

  it('throws a RedriveError, cause kept, when SQS refuses', async () => {
    const refusal = Object.assign(new Error('denied'), { name: 'AccessDenied' });
    sqs.on(SendMessageCommand).rejects(refusal);
    await expect(sqsRedriveQueue(client, QUEUE).schedule(KEY, 1, 1)).rejects.toMatchObject({
      name: 'RedriveError',
      cause: refusal,
    });
  });
});

describe('re-drive message', () => {
  it('round-trips the key and the observed attempt', () => {
    expect(decodeRedriveMessage(encodeRedriveMessage({ key: KEY, observedAttempt: 3 }))).toEqual({
      key: KEY,
      observedAttempt: 3,
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['another version', '{"v":2,"tenantId":"1","messageId":"m","attempt":1}'],
    ['no tenant', '{"v":1,"messageId":"m","attempt":1}'],
    ['an empty message id', '{"v":1,"tenantId":"1","messageId":"","attempt":1}'],
    ['attempt zero', '{"v":1,"tenantId":"1","messageId":"m","attempt":0}'],
    ['a fractional attempt', '{"v":1,"tenantId":"1","messageId":"m","attempt":1.5}'],
    ['an array', '[]'],
  ])('rejects %s', (_name, body) => {
    expect(decodeRedriveMessage(body)).toBeUndefined();
  });
});
