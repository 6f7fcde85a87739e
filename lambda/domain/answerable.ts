import { isStoreError } from './claim-store-error';
import type { InboundMessage } from './messages';
import type { MessageOutcome } from './outcomes';
import type { AnswerDeps } from './ports';

/**
 * What both reply modes do around their claim: skip what cannot be addressed, and turn a store failure into the `store-error` outcome (the delivery is then answered 5xx).
 */
export async function whenAnswerable(
  deps: Pick<AnswerDeps, 'observer'>,
  message: InboundMessage,
  claim: (replyTo: string) => Promise<MessageOutcome>,
): Promise<MessageOutcome> {
  if (message.replyTo === undefined) {
    deps.observer.skipped(message.key, 'no-address');
    return { kind: 'terminal', reason: 'no-address' };
  }
  try {
    return await claim(message.replyTo);
  } catch (error) {
    if (!isStoreError(error)) throw error;
    deps.observer.storeError(message.key, error.operation, error.cause);
    return { kind: 'store-error' };
  }
}
