import type { Random } from '../random';
import type { MetaItem } from './webhook-body';

/** Meta gives up waiting for an answer after about 20 s, and counts the delivery as failed. */
export const META_TIMEOUT_MS = 20_000;

/**
 * What Meta saw for one POST: an HTTP answer, a crashed invocation (API Gateway's 502), its own
 * timeout, or no connection at all.
 */
export type DeliveryAnswer =
  | { kind: 'answered'; status: number }
  | { kind: 'died' }
  | { kind: 'timed-out' }
  | { kind: 'unreachable' };

/** One POST: the items it carries and whether any of them is a redelivery after a non-200. */
export interface MetaPost {
  number: number;
  items: MetaItem[];
  redelivered: boolean;
}

export interface MetaOptions {
  /** How often the queue is drained; items due in one tick may share a body. */
  tickMs: number;
  /** Largest number of items in one body (1: one message per webhook). */
  maxBatch: number;
  /** Most POSTs in flight at once; what is due waits for a free slot. */
  maxInFlight: number;
  /** Backoff of the redelivery after a non-200: base, doubling up to the cap, with +-20 % jitter. */
  retryBaseMs: number;
  retryCapMs: number;
  /** Meta gives an item up after this many failed deliveries (compressed from its 7 days). */
  maxTries: number;
}

export const META_DEFAULTS: MetaOptions = {
  tickMs: 40,
  maxBatch: 4,
  maxInFlight: Number.POSITIVE_INFINITY,
  retryBaseMs: 150,
  retryCapMs: 2_000,
  maxTries: 40,
};

/** The wait before redelivery `tries + 1`: Meta's growing gaps, compressed, with jitter. */
export function redeliveryDelay(options: MetaOptions, tries: number, random: Random): number {
  const base = Math.min(options.retryBaseMs * 2 ** tries, options.retryCapMs);
  return Math.round(base * (0.8 + 0.4 * random.next()));
}
