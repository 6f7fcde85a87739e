import { decodeCallbackData } from './callback-data';
import type { StatusUpdate } from './messages';
import type { ReconcileDeps } from './ports';

/** Statuses that prove Meta accepted a reply we sent. */
const PROOF_OF_SEND = new Set(['sent', 'delivered', 'read', 'played']);

/**
 * A status webhook for one of our replies (recognised by its `biz_opaque_callback_data`) settles the
 * inbound message's record as done. This is how an ambiguous send, or a sender that died before
 * recording its send, is confirmed so that no later delivery sends the reply again.
 * Statuses of messages this service did not send are acknowledged and left alone.
 */
export async function reconcileStatus(deps: ReconcileDeps, status: StatusUpdate): Promise<void> {
  const origin = decodeCallbackData(status.callbackData);
  if (!origin) return;
  if (status.status === 'failed') {
    deps.observer.asyncReplyFailure(origin.key, status);
    return;
  }
  if (!PROOF_OF_SEND.has(status.status)) return;
  const result = await deps.claims.confirmSent(origin.key, status.outboundId);
  if (result.confirmed) {
    // A live owner about to record its own send is the usual race with a fast status, not a rescue.
    const owner = result.previous;
    const ownerAlive = owner?.state === 'claimed' && owner.leaseUntil >= deps.clock.now();
    if (!ownerAlive) deps.observer.statusReconciled(origin.key, status);
    return;
  }
  const current = result.current;
  if (
    current?.state === 'done' &&
    current.outboundId !== undefined &&
    current.outboundId !== status.outboundId
  ) {
    // The documented exception, made visible: the record already holds proof of another reply that
    // reached the user (complete keeps the first proof), so this one is a second reply.
    deps.observer.doubleReply(origin.key, {
      confirmedAttempt: origin.attempt,
      settledAttempt: current.attempt,
    });
  }
}
