import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { parseWorkerConfig } from '../lambda/config/config';
import { ENV } from '../lambda/config/env-names';
import { WORKER_LOGICAL_ID } from './identifiers';
import { ServiceFunction } from './service-function';
import type { StackSettings } from './settings';
import { stageNames } from './stage-names';

/** The worker reads a record (GetItem) and takes and settles its fenced lease (UpdateItem); it never puts. */
export const WORKER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem'] as const;

/**
 * The stream mapping's knobs; docs/PROTOCOL.md ("Queued mode: the event source mapping and re-drive
 * knobs") gives the reason for each number.
 */
export const STREAM_MAPPING = {
  batchSize: 20,
  maxBatchingWindowSeconds: 0,
  parallelizationFactor: 2,
  bisectBatchOnError: true,
  retryAttempts: 50,
  maxRecordAgeSeconds: 6 * 3600,
} as const;

/** What the webhook writes in queued mode; every other image (the worker's own MODIFYs, inline claims) is dropped. */
export const QUEUED_FILTER = { dynamodb: { NewImage: { state: { S: FilterRule.isEqual('queued') } } } };

export interface ReplyWorkerProps {
  table: ITable;
  secret: ISecret;
  secretId: string;
  settings: StackSettings;
  redriveQueue: IQueue;
}

/**
 * The stream worker: deployed in both reply modes, so records queued just before a switch back to
 * inline are still answered. It reads the table's stream through an event source mapping whose
 * exhausted records go to the stream dead-letter queue, and parks what it cannot settle now on the
 * re-drive queue (SendMessage only).
 */
export class ReplyWorker extends ServiceFunction {
  readonly streamDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: ReplyWorkerProps) {
    const { settings } = props;
    super(scope, id, {
      ...props,
      entry: 'worker',
      logicalId: WORKER_LOGICAL_ID,
      description: 'Replies to the messages the webhook queued, from the dedup table stream',
      roleDescription:
        'whatsapp-once worker: its log group, its dedup table items and stream, its secret, re-drives',
      timeoutSeconds: settings.workerTimeoutSeconds,
      tableActions: WORKER_TABLE_ACTIONS,
      environment: redriveEnvironment(props.redriveQueue, settings),
      validate: parseWorkerConfig,
    });

    // Receives only the metadata of discarded batches (shard, sequence numbers), which an operator
    // replays from the stream within its 24 h retention; the alarm on its depth pages at the first one.
    this.streamDeadLetters = new Queue(this, 'StreamDeadLetters', {
      ...stageNames(settings.stage).optional('queueName', 'stream-dead-letters'),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.streamDeadLetters).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter destination of the worker's stream mapping (OnFailure); a dead-letter queue of its own would only move the same metadata once more.",
    });

    this.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM_MAPPING.batchSize,
        maxBatchingWindow: Duration.seconds(STREAM_MAPPING.maxBatchingWindowSeconds),
        parallelizationFactor: STREAM_MAPPING.parallelizationFactor,
        bisectBatchOnError: STREAM_MAPPING.bisectBatchOnError,
        retryAttempts: STREAM_MAPPING.retryAttempts,
        maxRecordAge: Duration.seconds(STREAM_MAPPING.maxRecordAgeSeconds),
        reportBatchItemFailures: true,
        filters: [FilterCriteria.filter(QUEUED_FILTER)],
        onFailure: new SqsDlq(this.streamDeadLetters),
      }),
    );
    this.acknowledgeWildcard(
      "dynamodb:ListStreams, which the stream event source mapping needs, supports no resource-level permissions; it lists stream ARNs, never items. Reading records is granted on this table's stream ARN only.",
    );
    grantRedriveSend(this, props.redriveQueue);
  }
}

/** The variables the worker and the redrive function share: where re-drives go and how fast to send. */
export function redriveEnvironment(queue: IQueue, settings: StackSettings): Record<string, string> {
  return {
    [ENV.redriveQueueUrl]: queue.queueUrl,
    [ENV.sendRatePerSecond]: String(settings.sendRatePerSecond),
  };
}

/** SendMessage alone: the code names the queue by URL, so GetQueueUrl and GetQueueAttributes are not needed. */
export function grantRedriveSend(fn: ServiceFunction, queue: IQueue): void {
  fn.role.addToPrincipalPolicy(
    new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
  );
}
