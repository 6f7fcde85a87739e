import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { parseWorkerConfig } from '../lambda/config/config';
import { REDRIVE_LOGICAL_ID } from './identifiers';
import { grantRedriveSend, redriveEnvironment, WORKER_TABLE_ACTIONS } from './reply-worker';
import { ServiceFunction } from './service-function';
import type { StackSettings } from './settings';

/** The SQS mapping's knobs; docs/PROTOCOL.md gives the reasons. */
export const QUEUE_MAPPING = {
  batchSize: 10,
  /** The lowest Lambda accepts: re-drives are the exception, and each container paces its own sends. */
  maxConcurrency: 2,
} as const;

export interface RedriveFunctionProps {
  table: ITable;
  secret: ISecret;
  secretId: string;
  settings: StackSettings;
  redriveQueue: IQueue;
}

/**
 * Consumes the re-drive queue and runs the worker's use case for each message: the same fenced lease,
 * the same item actions. It may re-enqueue (a wait longer than SQS's 900 s, a new backoff), so it can
 * send to the queue it consumes.
 */
export class RedriveFunction extends ServiceFunction {
  constructor(scope: Construct, id: string, props: RedriveFunctionProps) {
    const { settings } = props;
    super(scope, id, {
      ...props,
      entry: 'redrive',
      logicalId: REDRIVE_LOGICAL_ID,
      description: 'Retries queued replies the worker could not settle, from the SQS re-drive queue',
      roleDescription:
        'whatsapp-once redrive: its log group, its dedup table items, its secret, the re-drive queue',
      timeoutSeconds: settings.workerTimeoutSeconds,
      tableActions: WORKER_TABLE_ACTIONS,
      environment: redriveEnvironment(props.redriveQueue, settings),
      validate: parseWorkerConfig,
    });
    this.function.addEventSource(
      new SqsEventSource(props.redriveQueue, {
        batchSize: QUEUE_MAPPING.batchSize,
        maxConcurrency: QUEUE_MAPPING.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    grantRedriveSend(this, props.redriveQueue);
  }
}
