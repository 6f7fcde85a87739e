import type { Clock, ReplySender } from './ports';

/**
 * A token bucket per business number (phone_number_id): Meta counts throughput per number (80
 * messages/s by default, 130429 above it), so a burst of queued claims is spread out instead of
 * turning into a throttling storm. Per container: the rate is a budget for this worker instance.
 */
export interface SendPacer {
  /** Reserves the next send slot and returns the wait before it, or undefined (nothing reserved) when that wait exceeds `maxWaitMs`. */
  reserve(tenantId: string, now: number, maxWaitMs: number): number | undefined;
  /** Graph answered 130429 (throughput reached): hold this number's sends for a second. */
  backOff(tenantId: string, now: number): void;
}

export function tokenBucketPacer(ratePerSecond: number): SendPacer {
  const burst = Math.max(1, ratePerSecond);
  const perMs = ratePerSecond / 1000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (tenantId: string, now: number) => {
    const bucket = buckets.get(tenantId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    buckets.set(tenantId, bucket);
    return bucket;
  };
  return {
    reserve(tenantId, now, maxWaitMs) {
      const bucket = refill(tenantId, now);
      // Tokens below zero are slots already promised to earlier callers that are still waiting.
      const wait = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs);
      if (wait > maxWaitMs) return undefined;
      bucket.tokens -= 1;
      return wait;
    },
    backOff(tenantId, now) {
      const bucket = refill(tenantId, now);
      bucket.tokens = Math.min(bucket.tokens, -ratePerSecond + 1);
    },
  };
}

/** Graph's throughput error: back-pressure, not a failure of the message. */
const THROUGHPUT_REACHED = 130429;
/** A paced send still needs this much of its timeout left once its slot comes. */
const MIN_PACED_SEND_MS = 500;

/** Wraps a ReplySender so each send waits for its number's slot; a slot too far off is a retryable failure. */
export function pacedReplies(replies: ReplySender, pacer: SendPacer, clock: Clock): ReplySender {
  return {
    async send(reply) {
      const wait = pacer.reserve(reply.tenantId, clock.now(), reply.timeoutMs - MIN_PACED_SEND_MS);
      if (wait === undefined) {
        return { kind: 'retryable', code: undefined, detail: 'send rate of this number reached' };
      }
      if (wait > 0) await clock.sleep(wait);
      const result = await replies.send({ ...reply, timeoutMs: reply.timeoutMs - wait });
      if (result.kind === 'retryable' && result.code === THROUGHPUT_REACHED) {
        pacer.backOff(reply.tenantId, clock.now());
      }
      return result;
    },
    // Not a message: Meta's throughput limit is on messages sent, so a receipt takes no slot.
    markRead: (receipt) => replies.markRead(receipt),
  };
}
