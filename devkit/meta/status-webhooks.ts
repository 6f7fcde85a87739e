import type { Random } from '../random';
import type { MetaDelivery } from './meta-delivery';
import type { MetaStatus } from './webhook-body';

/** How Meta follows a reply Graph accepted: `sent` after a moment, sometimes `delivered` after it. */
export interface StatusShape {
  sentAfterMs: readonly [number, number];
  deliveredChance: number;
  deliveredAfterSentMs: readonly [number, number];
}

/**
 * Schedules the status webhooks of one accepted reply, each echoing the reply's
 * `biz_opaque_callback_data` as Meta does. Returns when `sent` is due, in ms from now.
 */
export function scheduleStatuses(
  meta: MetaDelivery,
  reply: Omit<MetaStatus, 'status'>,
  random: Random,
  shape: StatusShape,
): number {
  const sentMs = random.int(...shape.sentAfterMs);
  meta.schedule({ kind: 'status', status: { ...reply, status: 'sent' } }, sentMs);
  if (random.chance(shape.deliveredChance)) {
    const deliveredMs = sentMs + random.int(...shape.deliveredAfterSentMs);
    meta.schedule({ kind: 'status', status: { ...reply, status: 'delivered' } }, deliveredMs);
  }
  return sentMs;
}
