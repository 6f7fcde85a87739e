import type { Random } from '../random';
import type { MetaDelivery } from './meta-delivery';
import type { MetaStatus } from './webhook-body';

/**
 * How Meta follows a reply Graph accepted: `sent` after a moment, sometimes `delivered` after it,
 * and, when delivered, sometimes `read` after that (`readChance` 0 when left out).
 */
export interface StatusShape {
  sentAfterMs: readonly [number, number];
  deliveredChance: number;
  deliveredAfterSentMs: readonly [number, number];
  readChance?: number;
  readAfterDeliveredMs?: readonly [number, number];
}

/**
 * Meta's usual mix in production, the bench's default: every reply brings `sent`, `delivered` and
 * `read` (users read their answers). `sent` comes a second or so after Graph accepted the reply,
 * well after the reply was recorded, so most statuses find a settled record, as in production;
 * the gaps after it are compressed.
 */
export const REALISTIC_STATUSES: StatusShape = {
  sentAfterMs: [300, 1_000],
  deliveredChance: 1,
  deliveredAfterSentMs: [100, 500],
  readChance: 1,
  readAfterDeliveredMs: [200, 1_500],
};

/**
 * Schedules the status webhooks of one accepted reply, each echoing the reply's
 * `biz_opaque_callback_data` as Meta does. Returns when `sent` is due, in ms from now.
 */
export function scheduleStatuses(
  meta: Pick<MetaDelivery, 'schedule'>,
  reply: Omit<MetaStatus, 'status'>,
  random: Random,
  shape: StatusShape,
): number {
  const sentMs = random.int(...shape.sentAfterMs);
  meta.schedule({ kind: 'status', status: { ...reply, status: 'sent' } }, sentMs);
  if (!random.chance(shape.deliveredChance)) return sentMs;
  const deliveredMs = sentMs + random.int(...shape.deliveredAfterSentMs);
  meta.schedule({ kind: 'status', status: { ...reply, status: 'delivered' } }, deliveredMs);
  if (shape.readChance !== undefined && shape.readChance > 0 && random.chance(shape.readChance)) {
    const [min, max] = shape.readAfterDeliveredMs ?? [0, 0];
    meta.schedule(
      { kind: 'status', status: { ...reply, status: 'read' } },
      deliveredMs + random.int(min, max),
    );
  }
  return sentMs;
}
