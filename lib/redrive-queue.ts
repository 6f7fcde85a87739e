import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageNames } from './stage-names';

export interface RedriveQueueProps {
  /** Timeout of the function that consumes the queue; the visibility timeout is derived from it. */
  consumerTimeoutSeconds: number;
  names: StageNames;
}

/**
 * Receives by a failing consumer before a re-drive moves to the dead-letter queue. Each failed receive
 * waits out the visibility timeout first, so 10 receives keep a re-drive retrying for about an hour
 * (Lambda's guidance is at least 5, so throttled polls alone never dead-letter a message).
 */
export const MAX_RECEIVE_COUNT = 10;
/** Lambda's guidance for SQS sources: a visibility timeout of at least 6 times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * The SQS queue of delayed re-drives (`DelaySeconds` 0-900): where a worker parks a message it could not
 * settle (retryable failure, ambiguous send, lost lease race) instead of waiting on the stream. Its
 * dead-letter queue keeps what the redrive function failed to handle, for an operator, for 14 days.
 */
export class RedriveQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: RedriveQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      ...props.names.optional('queueName', 'redrive-dead-letters'),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      ...props.names.optional('queueName', 'redrives'),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(props.consumerTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
