import { createHash } from 'node:crypto';
import type { AttributeValue, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { ENV } from '../lambda/config/env-names';
import { TABLE_SCHEMA } from '../lambda/config/table-schema';
import type { MessageKey } from '../lambda/domain/messages';
import { recordKey } from '../lambda/domain/messages';
import { REDRIVE_LOGICAL_ID, WORKER_LOGICAL_ID } from '../lib/identifiers';
import { LOCAL_TABLE_NAME, SAMPLE_MESSAGE_ID, SAMPLE_PHONE_NUMBER_ID } from './sample-events';

/**
 * Events of the two queued-mode functions, for `sam local invoke WorkerFunction -e ...` (and any harness
 * that drives dist/worker.mjs and dist/redrive.mjs as AWS does). They name the message of
 * events/text-message.json, so a queued-mode webhook run followed by these acts on the same record.
 */
export const QUEUED_EVENT_FILES = ['worker-stream-queued.json', 'redrive-message.json'] as const;
export type QueuedEventFile = (typeof QUEUED_EVENT_FILES)[number];

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const EIGHT_DAYS = 8 * 86_400;
const key = { tenantId: SAMPLE_PHONE_NUMBER_ID, messageId: SAMPLE_MESSAGE_ID };

/**
 * The claim a queued-mode webhook writes for a message Meta sent at `sentAtMs`: state queued, no owner
 * or lease yet, and the reply's inputs (the worker refuses a reply once 24 h have passed since then).
 */
export function queuedClaimImage(
  messageKey: MessageKey,
  sentAtMs: number,
  text = 'hello',
): Record<string, AttributeValue> {
  const sentAt = Math.floor(sentAtMs / 1000);
  return {
    [TABLE_SCHEMA.partitionKey]: { S: recordKey(messageKey) },
    state: { S: 'queued' },
    owner: { S: '' },
    attempt: { N: '1' },
    leaseUntil: { N: '0' },
    [TABLE_SCHEMA.ttlAttribute]: { N: String(sentAt + EIGHT_DAYS) },
    tenantId: { S: messageKey.tenantId },
    messageId: { S: messageKey.messageId },
    replyTo: { S: '16505551234' },
    type: { S: 'text' },
    text: { S: text },
    msgTimestamp: { N: String(sentAt) },
    queuedAt: { N: String(sentAt * 1000 + 120) },
  };
}

/** The re-drive message body of the shared contract: the observed attempt, here after one release. */
const redriveBody = JSON.stringify({ v: 1, tenantId: key.tenantId, messageId: key.messageId, attempt: 2 });

/** The two events for the sample message sent at `sentAtMs` (npm run events: a few seconds ago). */
export function queuedEvents(sentAtMs: number): {
  'worker-stream-queued.json': DynamoDBStreamEvent;
  'redrive-message.json': SQSEvent;
} {
  const sentAt = Math.floor(sentAtMs / 1000);
  return {
    'worker-stream-queued.json': {
      Records: [
        {
          eventID: 'c81e728d9d4c2f636f067f89cc14862c',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: REGION,
          dynamodb: {
            ApproximateCreationDateTime: sentAt,
            Keys: { [TABLE_SCHEMA.partitionKey]: { S: recordKey(key) } },
            NewImage: queuedClaimImage(key, sentAtMs),
            SequenceNumber: '4421584500000000017450439091',
            SizeBytes: 312,
            StreamViewType: 'NEW_IMAGE',
          },
          eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${LOCAL_TABLE_NAME}/stream/2026-01-01T00:00:00.000`,
        },
      ],
    },
    'redrive-message.json': {
      Records: [
        {
          messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
          receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a-local-sample',
          body: redriveBody,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(sentAt * 1000 + 5_000),
            SenderId: 'AROAEXAMPLEWORKERROLE:WorkerFunction',
            ApproximateFirstReceiveTimestamp: String(sentAt * 1000 + 9_000),
          },
          messageAttributes: {},
          md5OfBody: createHash('md5').update(redriveBody).digest('hex'),
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:whatsapp-once-redrive`,
          awsRegion: REGION,
        },
      ],
    },
  };
}

/** Where a `sam local invoke` container reaches an SQS-compatible server (ElasticMQ listens on 9324). */
export const DOCKER_HOST_REDRIVE_QUEUE_URL =
  'http://host.docker.internal:9324/000000000000/whatsapp-once-redrive';

/**
 * The entries of events/env-vars.json for the worker and the redrive function alone (SAM applies an
 * entry named after a function to that function only), so the webhook's declared variables stay as they
 * are. Only a re-drive reaches the queue.
 */
export function queuedEnvVars(redriveQueueUrl: string) {
  return {
    [WORKER_LOGICAL_ID]: { [ENV.redriveQueueUrl]: redriveQueueUrl },
    [REDRIVE_LOGICAL_ID]: { [ENV.redriveQueueUrl]: redriveQueueUrl },
  };
}
