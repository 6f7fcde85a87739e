import { describe, expect, it } from 'vitest';
import {
  REALISTIC_STATUSES,
  type StatusShape,
  scheduleStatuses,
} from '../../../../devkit/meta/status-webhooks';
import type { MetaItem } from '../../../../devkit/meta/webhook-body';
import { seededRandom } from '../../../../devkit/random';

const REPLY = {
  tenantId: '106540352242922',
  outboundId: 'wamid.out-1',
  callbackData: 'cb',
  recipient: '1650',
};

function scheduled(shape: StatusShape, seed = 7): { status: string; atMs: number }[] {
  const items: { status: string; atMs: number }[] = [];
  const meta = {
    schedule(item: MetaItem, delayMs: number) {
      if (item.kind === 'status') items.push({ status: item.status.status, atMs: delayMs });
    },
  };
  scheduleStatuses(meta, REPLY, seededRandom(seed), shape);
  return items;
}

describe('scheduleStatuses', () => {
  it('sends sent, delivered and read in that order for every reply with the realistic mix', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const items = scheduled(REALISTIC_STATUSES, seed);
      expect(items.map((i) => i.status)).toEqual(['sent', 'delivered', 'read']);
      const [sent, delivered, read] = items.map((i) => i.atMs);
      expect(sent).toBeLessThan(delivered ?? 0);
      expect(delivered).toBeLessThan(read ?? 0);
    }
  });

  it('sends only sent when delivered never comes, and no read without delivered', () => {
    const items = scheduled({ ...REALISTIC_STATUSES, deliveredChance: 0 });
    expect(items.map((i) => i.status)).toEqual(['sent']);
  });

  it('sends no read when the shape leaves it out', () => {
    const { readChance: _, ...withoutRead } = REALISTIC_STATUSES;
    expect(scheduled(withoutRead).map((i) => i.status)).toEqual(['sent', 'delivered']);
  });
});
