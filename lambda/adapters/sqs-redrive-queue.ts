import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MessageKey } from '../domain/messages';
import type { RedriveQueue } from '../domain/ports';
import { RedriveError } from '../domain/redrive-error';
import { encodeRedriveMessage } from './redrive-message';

/** SQS caps a message's delay at 15 minutes; a longer wait is re-driven again when it comes early. */
const MAX_DELAY_SECONDS = 900;

/** Re-drives as SQS messages with `DelaySeconds`; the redrive function consumes the queue. */
export function sqsRedriveQueue(client: SQSClient, queueUrl: string): RedriveQueue {
  return {
    async schedule(key: MessageKey, observedAttempt: number, delaySeconds: number): Promise<void> {
      try {
        await client.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: encodeRedriveMessage({ key, observedAttempt }),
            DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))),
          }),
        );
      } catch (error) {
        throw new RedriveError({ cause: error });
      }
    },
  };
}
