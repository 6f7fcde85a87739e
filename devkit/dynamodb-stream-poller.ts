import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaAttributeValue,
} from 'aws-lambda';

export interface StreamPollerOptions {
  /** A DynamoDB Local endpoint (it serves the Streams API on the same port). */
  endpoint: string;
  tableName: string;
  /** The worker, called like Lambda's event source mapping calls it: one batch at a time per shard. */
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  /** Records per invocation at most (the mapping's BatchSize). */
  batchSize?: number;
  /** Lambda polls each shard about four times a second. */
  pollIntervalMs?: number;
  /** The mapping's filter criteria: records it refuses are dropped, never delivered or retried. */
  filter?: (record: DynamoDBRecord) => boolean;
  /** A poll or invocation that failed (the batch is retried from where it failed). */
  onError?: (error: unknown) => void;
}

export interface StreamPoller {
  /**
   * Resolves after a whole poll round, begun after this call, in which no shard had a record, a
   * batch to retry or an error: everything written before the call has been handed over and settled.
   */
  quietRound(): Promise<void>;
  stop(): Promise<void>;
}

/** Where a shard's next GetRecords starts: after what was acknowledged, or at a record to retry. */
type Position = { at: 'after' | 'at'; sequenceNumber: string } | undefined;

interface ShardState {
  position: Position;
  iterator: string | undefined;
  closed: boolean;
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';
const REDESCRIBE_EVERY_POLLS = 20;

/**
 * Lambda's DynamoDB Streams event source mapping, emulated on DynamoDB Local: polls every shard,
 * invokes the handler with real `DynamoDBStreamEvent`s, honours `batchItemFailures` (the batch is
 * retried from the first failed record, as with ReportBatchItemFailures) and retries a batch whose
 * invocation threw. Iterators are re-taken after TrimmedDataAccessException (DynamoDB Local with
 * -sharedDb invalidates an iterator of an empty shard when another table is written) and after
 * ExpiredIteratorException, from the last acknowledged record.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const clientOptions = { endpoint: options.endpoint, region: REGION, credentials: CREDENTIALS };
  const dynamoDb = new DynamoDBClient(clientOptions);
  const streams = new DynamoDBStreamsClient(clientOptions);
  const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  dynamoDb.destroy();
  if (streamArn === undefined) {
    streams.destroy();
    throw new Error(`table ${options.tableName} has no stream: create it with a StreamSpecification`);
  }

  const shards = new Map<string, ShardState>();
  const describe = async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (shard.ShardId && !shards.has(shard.ShardId)) {
        shards.set(shard.ShardId, { position: undefined, iterator: undefined, closed: false });
      }
    }
  };
  await describe();

  const pollShard = async (shardId: string, shard: ShardState) => {
    if (shard.iterator === undefined) {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(shard.position === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : {
                ShardIteratorType:
                  shard.position.at === 'after' ? 'AFTER_SEQUENCE_NUMBER' : 'AT_SEQUENCE_NUMBER',
                SequenceNumber: shard.position.sequenceNumber,
              }),
        }),
      );
      shard.iterator = ShardIterator;
      if (shard.iterator === undefined) return;
    }
    const { Records = [], NextShardIterator } = await streams.send(
      new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: options.batchSize ?? 100 }),
    );
    if (Records.length > 0) busyRound = true;
    const records = Records.map((record) => toLambdaRecord(record, streamArn));
    const delivered = options.filter ? records.filter(options.filter) : records;
    const retryFrom = delivered.length === 0 ? undefined : await invoke(options, delivered);
    if (retryFrom !== undefined) {
      // Retried on a later poll from the first failed record; later records of the batch come again too.
      shard.position = { at: 'at', sequenceNumber: retryFrom };
      shard.iterator = undefined;
      busyRound = true;
      return;
    }
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last !== undefined) shard.position = { at: 'after', sequenceNumber: last };
    shard.iterator = NextShardIterator;
    if (NextShardIterator === undefined) shard.closed = true;
  };

  let stopped = false;
  let busyRound = false;
  const quietWaiters: { afterPoll: number; resolve: () => void }[] = [];
  let currentPoll = 0;
  const loop = (async () => {
    for (let poll = 0; !stopped; poll++) {
      currentPoll = poll;
      busyRound = false;
      try {
        if (poll > 0 && poll % REDESCRIBE_EVERY_POLLS === 0) await describe();
      } catch (error) {
        options.onError?.(error);
      }
      for (const [shardId, shard] of shards) {
        if (stopped || shard.closed) continue;
        try {
          await pollShard(shardId, shard);
        } catch (error) {
          // An invalid iterator is re-taken from the last acknowledged record on the next poll.
          shard.iterator = undefined;
          busyRound = true;
          if (!isIteratorLost(error)) options.onError?.(error);
        }
      }
      if (!busyRound) {
        for (const waiter of quietWaiters.filter((w) => w.afterPoll < poll)) {
          quietWaiters.splice(quietWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 250));
    }
  })();

  return {
    quietRound: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        // A round already under way may have read its shards before the caller's last write.
        quietWaiters.push({ afterPoll: currentPoll, resolve });
      }),
    async stop() {
      stopped = true;
      await loop;
      for (const waiter of quietWaiters.splice(0)) waiter.resolve();
      streams.destroy();
    },
  };
}

/** The sequence number to retry from, or undefined when the whole batch was acknowledged. */
async function invoke(options: StreamPollerOptions, records: DynamoDBRecord[]): Promise<string | undefined> {
  try {
    const response = await options.handler({ Records: records });
    const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    if (failed.size === 0) return undefined;
    return records.find((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''))?.dynamodb
      ?.SequenceNumber;
  } catch (error) {
    options.onError?.(error);
    return records[0]?.dynamodb?.SequenceNumber;
  }
}

const isIteratorLost = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'TrimmedDataAccessException' || error.name === 'ExpiredIteratorException');

function toLambdaRecord(record: SdkRecord, eventSourceARN: string): DynamoDBRecord {
  const stream = record.dynamodb;
  const created = stream?.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? REGION,
    eventSourceARN,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
      ...(stream?.Keys ? { Keys: toLambdaImage(stream.Keys) } : {}),
      ...(stream?.NewImage ? { NewImage: toLambdaImage(stream.NewImage) } : {}),
      ...(stream?.OldImage ? { OldImage: toLambdaImage(stream.OldImage) } : {}),
      SequenceNumber: stream?.SequenceNumber,
      SizeBytes: stream?.SizeBytes,
      StreamViewType: stream?.StreamViewType,
    },
  };
}

const toLambdaImage = (image: Record<string, SdkAttributeValue>): Record<string, LambdaAttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));

/** The SDK's attribute values as Lambda's event JSON carries them (binary as base64). */
function toLambdaValue(value: SdkAttributeValue): LambdaAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  throw new Error('unsupported attribute value in a stream record');
}
