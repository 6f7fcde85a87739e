import { decodeCallbackData } from './callback-data';
import type { ClaimRecord } from './claim-record';
import type { MessageKey, StatusUpdate } from './messages';
import type { ReconcileDeps } from './ports';

/**
 * Statuses that prove Meta accepted a reply we sent. `delivered` and `read` settle as `sent` does:
 * Meta does not promise the order of statuses, and a lost or late `sent` must not leave an
 * ambiguous send unconfirmed when a later status of the same reply has come.
 */
const PROOF_OF_SEND = new Set(['sent', 'delivered', 'read', 'played']);

/**
 * A `done` record stays done until it expires; then a claim may start a new life of the record,
 * which a stale read would hide. So a `done` seen by a read is trusted only while it is this far
 * from its expiry (clock skew between Lambdas included); after that the status takes the write, as
 * before. The TTL is at least 8 days, and statuses come minutes (a `read`: days) after their reply.
 */
const DONE_TRUSTED_UNTIL_EXPIRY_MS = 60 * 60 * 1000;

const doneForGood = (record: ClaimRecord, nowMs: number): boolean =>
  record.state === 'done' && record.expiresAt * 1000 > nowMs + DONE_TRUSTED_UNTIL_EXPIRY_MS;

/**
 * A status webhook for one of our replies (recognised by its `biz_opaque_callback_data`) settles the
 * inbound message's record as done. This is how an ambiguous send, or a sender that died before
 * recording its send, is confirmed so that no later delivery sends the reply again.
 * Statuses of messages this service did not send are acknowledged and left alone.
 *
 * Cost: most statuses (three per reply) come for a record that is already `done`. They are answered
 * from one eventually consistent read, with no write; only a record that is not `done` gets the
 * conditional write. A stale read can only cost a write, never skip one (docs/PROTOCOL.md, "Status
 * webhooks"): nothing but an expiry ends a `done`, and a record the peek did not find is read again,
 * consistently, before the status is let go.
 */
export async function reconcileStatus(deps: ReconcileDeps, status: StatusUpdate): Promise<void> {
  const origin = decodeCallbackData(status.callbackData);
  if (!origin) return;
  if (status.status === 'failed') {
    deps.observer.asyncReplyFailure(origin.key, status);
    return;
  }
  if (!PROOF_OF_SEND.has(status.status)) return;
  // The peek may miss a claim written a moment ago: only a consistent read may say "no record".
  const seen = (await deps.claims.peek(origin.key)) ?? (await deps.claims.read(origin.key));
  if (seen === undefined) return;
  const lastPart = origin.part === undefined || origin.part.index === origin.part.count - 1;
  if (doneForGood(seen, deps.clock.now())) {
    if (lastPart) reportIfDoubleReply(deps, origin.key, origin.attempt, status, seen);
    return;
  }
  // A part before the last of a multi-part answer settles that part only: partsSent rises past it,
  // so no owner sends it again; the answer is done when its last part is proven or completed.
  const result = lastPart
    ? await deps.claims.confirmSent(origin.key, status.outboundId)
    : await deps.claims.confirmPart(origin.key, (origin.part?.index ?? 0) + 1);
  if (result.confirmed) {
    // A live owner about to record its own send is the usual race with a fast status, not a rescue.
    const owner = result.previous;
    const ownerAlive = owner?.state === 'claimed' && owner.leaseUntil >= deps.clock.now();
    if (!ownerAlive) deps.observer.statusReconciled(origin.key, status);
    return;
  }
  if (lastPart && result.current) {
    reportIfDoubleReply(deps, origin.key, origin.attempt, status, result.current);
  }
}

/**
 * The documented exception, made visible: a `done` record already holds proof of another reply that
 * reached the user (complete keeps the first proof), so this status is of a second reply.
 */
function reportIfDoubleReply(
  deps: ReconcileDeps,
  key: MessageKey,
  confirmedAttempt: number,
  status: StatusUpdate,
  current: ClaimRecord,
): void {
  if (
    current.state === 'done' &&
    current.outboundId !== undefined &&
    current.outboundId !== status.outboundId
  ) {
    deps.observer.doubleReply(key, { confirmedAttempt, settledAttempt: current.attempt });
  }
}
