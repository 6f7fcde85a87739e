import {
  type DynamoDBClient,
  PutItemCommand,
  type AttributeValue as SdkAttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { decodeRedriveMessage } from '../lambda/adapters/redrive-message';
import { TABLE_SCHEMA } from '../lambda/config/table-schema';
import { isRecord } from '../lambda/json-object';
import { FUNCTION_LOGICAL_ID, REDRIVE_LOGICAL_ID, WORKER_LOGICAL_ID } from '../lib/identifiers';
import { queuedClaimImage } from './queued-sample-events';

/** Which function an event is for, from its shape: what its trigger would hand over. */
export type Trigger = 'http' | 'stream' | 'sqs';

export const LOGICAL_ID_OF: Record<Trigger, string> = {
  http: FUNCTION_LOGICAL_ID,
  stream: WORKER_LOGICAL_ID,
  sqs: REDRIVE_LOGICAL_ID,
};

export function triggerOf(event: unknown): Trigger | undefined {
  if (!isRecord(event)) return undefined;
  if (event.version === '2.0' && isRecord(event.requestContext) && isRecord(event.headers)) return 'http';
  const first = Array.isArray(event.Records) ? event.Records[0] : undefined;
  if (!isRecord(first)) return undefined;
  if (first.eventSource === 'aws:dynamodb') return 'stream';
  if (first.eventSource === 'aws:sqs') return 'sqs';
  return undefined;
}

/** Meta's 24-hour window, less the worker's margin and a minute for the run itself. */
const STALE_AFTER_MS = 24 * 3_600_000 - 2 * 60_000;
const EIGHT_DAYS_S = 8 * 86_400;

/**
 * A stream event whose message is older than the reply window would only show `window-closed`: its
 * records are re-dated to a few seconds before `nowMs` (message time, queue time, expiry, record
 * time). Returns how old the oldest message was, so the caller can say what it did.
 */
export function refreshStreamEvent(
  event: DynamoDBStreamEvent,
  nowMs: number,
): { event: DynamoDBStreamEvent; staleHours: number | undefined } {
  const sentAt = Math.floor(nowMs / 1000) - 5;
  let staleHours: number | undefined;
  const records = event.Records.map((record) => {
    const image = record.dynamodb?.NewImage;
    const msgTimestamp = Number(image?.msgTimestamp?.N);
    if (!image || !Number.isFinite(msgTimestamp) || nowMs - msgTimestamp * 1000 < STALE_AFTER_MS)
      return record;
    staleHours = Math.max(staleHours ?? 0, Math.round((nowMs - msgTimestamp * 1000) / 3_600_000));
    const NewImage: Record<string, AttributeValue> = {
      ...image,
      msgTimestamp: { N: String(sentAt) },
      queuedAt: { N: String(sentAt * 1000 + 120) },
      [TABLE_SCHEMA.ttlAttribute]: { N: String(sentAt + EIGHT_DAYS_S) },
    };
    return { ...record, dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: sentAt, NewImage } };
  });
  return { event: { Records: records }, staleHours };
}

/**
 * What the webhook would have written before AWS delivered this event: the queued claim of each
 * message, put only where the table holds nothing for it yet (a webhook event earlier in the same run
 * wins). Lets one stream or SQS event run alone, as `sam local invoke` runs it against a prepared table.
 * Returns the number of claims written.
 */
export async function seedQueuedClaims(
  client: DynamoDBClient,
  tableName: string,
  input: { trigger: 'stream'; event: DynamoDBStreamEvent } | { trigger: 'sqs'; event: SQSEvent },
  nowMs: number,
): Promise<number> {
  const images =
    input.trigger === 'stream'
      ? input.event.Records.flatMap((record) =>
          record.dynamodb?.NewImage?.state?.S === 'queued' ? [toSdkImage(record.dynamodb.NewImage)] : [],
        )
      : input.event.Records.flatMap((record) => {
          const message = decodeRedriveMessage(record.body);
          return message ? [toSdkImage(queuedClaimImage(message.key, nowMs - 5_000))] : [];
        });
  let written = 0;
  for (const Item of images) {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey },
        }),
      );
      written++;
    } catch (error) {
      // By name, not instanceof: the claim already there is the one to keep.
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }
  return written;
}

/**
 * Lambda's and the SDK's attribute types differ only for binary (base64 text vs bytes); a claim holds
 * S and N alone, so its image passes as it is.
 */
const toSdkImage = (image: Record<string, AttributeValue>): Record<string, SdkAttributeValue> =>
  image as Record<string, SdkAttributeValue>;
