import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClaimTable, localDynamoDbClient } from '../../devkit/dynamodb-local';
import { DynamoDbClaimStore } from '../../lambda/adapters/dynamodb-claim-store';
import type { StoredAnswer } from '../../lambda/domain/claim-record';
import type { ClaimStore } from '../../lambda/domain/ports';
import { InMemoryClaimStore } from '../support/in-memory-claim-store';

const NOW = 1_800_000_000_000;
const at = (nowMs: number, graceMs = 3_000) => ({ nowMs, takeoverBeforeMs: nowMs - graceMs });
const claimOf = (owner: string, attempt: number, leaseUntil = NOW + 20_000) => ({
  owner,
  attempt,
  leaseUntil,
  expiresAt: Math.floor(NOW / 1000) + 8 * 86_400,
});

/**
 * One contract, two implementations: the fake the use-case tests rely on must behave exactly like
 * the DynamoDB adapter on a real DynamoDB.
 */
const stores: [string, () => Promise<{ store: ClaimStore; close(): void }>][] = [
  ['in-memory fake', async () => ({ store: new InMemoryClaimStore(), close: () => undefined })],
  [
    'DynamoDB Local',
    async () => {
      const client = localDynamoDbClient(inject('dynamoEndpoint'));
      const tableName = `contract-${randomUUID()}`;
      await createClaimTable(client, tableName);
      return {
        store: new DynamoDbClaimStore(DynamoDBDocumentClient.from(client), tableName, () => NOW),
        close: () => client.destroy(),
      };
    },
  ],
];

describe.each(stores)('claim store contract: %s', (_name, open) => {
  let store: ClaimStore;
  let close: () => void;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(() => close());
  const key = () => ({ tenantId: '106540352242922', messageId: `wamid.${randomUUID()}` });

  it('lets the first claim win and returns the blocking record to the second', async () => {
    const k = key();
    expect(await store.claim(k, claimOf('a', 1), at(NOW))).toEqual({ won: true, previous: undefined });
    const second = await store.claim(k, claimOf('b', 1), at(NOW));
    expect(second).toEqual({
      won: false,
      current: expect.objectContaining({ state: 'claimed', owner: 'a', attempt: 1 }),
    });
  });

  it('refuses a takeover while the lease plus grace has not run out', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1, NOW - 1_000), at(NOW));
    expect((await store.claim(k, claimOf('b', 2), at(NOW))).won).toBe(false);
  });

  it('allows exactly one takeover of an expired lease, as the next attempt, returning what it replaced', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1, NOW - 5_000), at(NOW));
    const taker = await store.claim(k, claimOf('b', 2), at(NOW));
    expect(taker).toEqual({ won: true, previous: expect.objectContaining({ owner: 'a', state: 'claimed' }) });
    expect((await store.claim(k, claimOf('c', 2), at(NOW))).won).toBe(false);
  });

  it('does not let a stale attempt number take over', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1, NOW - 5_000), at(NOW));
    expect((await store.claim(k, claimOf('b', 1), at(NOW))).won).toBe(false);
  });

  it('lets the next attempt take a released claim at once', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    expect(await store.release(k, { owner: 'a', attempt: 1 })).toBe('written');
    expect((await store.claim(k, claimOf('b', 2), at(NOW))).won).toBe(true);
  });

  it('never lets a done record be claimed again before it expires, lease or not', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1, NOW - 10_000), at(NOW));
    await store.complete(k, { owner: 'a', attempt: 1 }, 'wamid.out');
    expect((await store.claim(k, claimOf('b', 2), at(NOW))).won).toBe(false);
  });

  it('reuses a record past its expiry even though TTL has not deleted it', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    await store.complete(k, { owner: 'a', attempt: 1 }, 'wamid.out');
    const later = NOW + 8 * 86_400_000 + 2_000;
    expect(
      (await store.claim(k, { ...claimOf('b', 1), expiresAt: Math.floor(later / 1000) + 691_200 }, at(later)))
        .won,
    ).toBe(true);
  });

  it("refuses a zombie's completion, release and marks after a takeover", async () => {
    const k = key();
    await store.claim(k, claimOf('zombie', 1, NOW - 5_000), at(NOW));
    await store.claim(k, claimOf('new', 2), at(NOW));
    const zombie = { owner: 'zombie', attempt: 1 };
    expect(await store.complete(k, zombie, 'wamid.late')).toBe('fenced-out');
    expect(await store.release(k, zombie)).toBe('fenced-out');
    expect(await store.markUnknown(k, zombie, NOW)).toBe('fenced-out');
    expect(await store.markFailed(k, zombie, 131047)).toBe('fenced-out');
    expect(await store.read(k)).toMatchObject({ owner: 'new', attempt: 2, state: 'claimed' });
  });

  it('never turns a confirmed reply back into released or failed', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    expect(await store.confirmSent(k, 'wamid.out')).toEqual({
      confirmed: true,
      previous: expect.objectContaining({ state: 'claimed', owner: 'a' }),
    });
    expect(await store.release(k, { owner: 'a', attempt: 1 })).toBe('fenced-out');
    expect(await store.markFailed(k, { owner: 'a', attempt: 1 }, 131026)).toBe('fenced-out');
    expect(await store.read(k)).toMatchObject({ state: 'done', outboundId: 'wamid.out' });
  });

  it('keeps the first proof of a send when the owner completes after a status confirmed it', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    await store.confirmSent(k, 'wamid.first');
    expect(await store.complete(k, { owner: 'a', attempt: 1 }, 'wamid.second')).toBe('written');
    expect(await store.read(k)).toMatchObject({ state: 'done', outboundId: 'wamid.first' });
  });

  it('lets a proof of send settle a failed record as done', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    await store.markFailed(k, { owner: 'a', attempt: 1 }, 131000);
    expect(await store.confirmSent(k, 'wamid.out')).toMatchObject({ confirmed: true });
    expect(await store.read(k)).toMatchObject({ state: 'done', outboundId: 'wamid.out' });
  });

  it('confirms an unknown send once, and does nothing for unknown or settled messages', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    await store.markUnknown(k, { owner: 'a', attempt: 1 }, NOW + 30_000);
    expect(await store.confirmSent(k, 'wamid.out')).toEqual({
      confirmed: true,
      previous: expect.objectContaining({ state: 'unknown' }),
    });
    expect(await store.confirmSent(k, 'wamid.out')).toEqual({
      confirmed: false,
      current: expect.objectContaining({ state: 'done', outboundId: 'wamid.out', attempt: 1 }),
    });
    expect(await store.confirmSent(key(), 'wamid.out')).toEqual({ confirmed: false, current: undefined });
  });

  it('peeks the record as the last write left it (one copy, no lag), and nothing for a message never seen', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    await store.complete(k, { owner: 'a', attempt: 1 }, 'wamid.out');
    const peeked = await store.peek(k);
    expect(peeked).toEqual(await store.read(k));
    expect(peeked).toMatchObject({ state: 'done', owner: 'a', attempt: 1, outboundId: 'wamid.out' });
    expect(await store.peek(key())).toBeUndefined();
  });

  it('keeps an unknown record blocked until its confirmation grace has run out', async () => {
    const k = key();
    await store.claim(k, claimOf('a', 1), at(NOW));
    await store.markUnknown(k, { owner: 'a', attempt: 1 }, NOW + 30_000);
    expect((await store.claim(k, claimOf('b', 2), at(NOW + 31_000))).won).toBe(false);
    expect((await store.claim(k, claimOf('b', 2), at(NOW + 34_000))).won).toBe(true);
  });

  describe('queued mode', () => {
    const outbox = {
      replyTo: '16505551234',
      type: 'text',
      content: { type: 'text', body: 'hi' } as const,
      user: { phone: '16505551234' },
      msgTimestamp: 1_799_999_990,
      queuedAt: NOW,
    };
    const queued = (attempt = 1) => ({ attempt, expiresAt: Math.floor(NOW / 1000) + 8 * 86_400, outbox });
    const leaseOf = (owner: string, observedAttempt: number, leaseUntil = NOW + 50_000) => ({
      owner,
      observedAttempt,
      leaseUntil,
    });

    it('queues a new message once; a copy gets the queued record back with its content', async () => {
      const k = key();
      expect(await store.enqueue(k, queued(), at(NOW))).toEqual({ won: true, previous: undefined });
      expect(await store.enqueue(k, queued(), at(NOW))).toEqual({
        won: false,
        current: expect.objectContaining({ state: 'queued', owner: '', attempt: 1, leaseUntil: 0, outbox }),
      });
    });

    it('blocks an inline claim with a queued record, and a queued write with a live inline claim', async () => {
      const k = key();
      await store.enqueue(k, queued(), at(NOW));
      expect((await store.claim(k, claimOf('inline', 2, NOW - 10_000), at(NOW))).won).toBe(false);
      const other = key();
      await store.claim(other, claimOf('inline', 1), at(NOW));
      expect((await store.enqueue(other, queued(2), at(NOW))).won).toBe(false);
    });

    it('takes over a released inline record as the next attempt, queued', async () => {
      const k = key();
      await store.claim(k, claimOf('inline', 1), at(NOW));
      await store.release(k, { owner: 'inline', attempt: 1 });
      expect(await store.enqueue(k, queued(2), at(NOW))).toEqual({
        won: true,
        previous: expect.objectContaining({ state: 'released', attempt: 1 }),
      });
      expect(await store.read(k)).toMatchObject({ state: 'queued', attempt: 2, outbox });
    });

    it('leases a queued record once per observed attempt, returning the record with its content', async () => {
      const k = key();
      await store.enqueue(k, queued(), at(NOW));
      expect(await store.lease(k, leaseOf('w1', 1), at(NOW))).toEqual({
        won: true,
        record: expect.objectContaining({ state: 'claimed', owner: 'w1', attempt: 2, outbox }),
      });
      expect(await store.lease(k, leaseOf('w2', 1), at(NOW))).toEqual({
        won: false,
        current: expect.objectContaining({ state: 'claimed', owner: 'w1', attempt: 2 }),
      });
    });

    it('refuses a lease on a live lease, and allows one once the lease plus grace is over', async () => {
      const k = key();
      await store.enqueue(k, queued(), at(NOW));
      await store.lease(k, leaseOf('w1', 1, NOW + 1_000), at(NOW));
      expect((await store.lease(k, leaseOf('w2', 2), at(NOW + 3_000))).won).toBe(false);
      expect(await store.lease(k, leaseOf('w2', 2), at(NOW + 4_500))).toMatchObject({
        won: true,
        record: { owner: 'w2', attempt: 3 },
      });
    });

    it('leases a released record at the attempt its owner had, and never a settled one', async () => {
      const k = key();
      await store.enqueue(k, queued(), at(NOW));
      await store.lease(k, leaseOf('w1', 1), at(NOW));
      expect(await store.release(k, { owner: 'w1', attempt: 2 })).toBe('written');
      expect((await store.lease(k, leaseOf('w2', 1), at(NOW))).won).toBe(false);
      expect((await store.lease(k, leaseOf('w2', 2), at(NOW))).won).toBe(true);
      await store.complete(k, { owner: 'w2', attempt: 3 }, 'wamid.out');
      expect(await store.lease(k, leaseOf('w3', 3), at(NOW + 86_400_000))).toEqual({
        won: false,
        current: expect.objectContaining({ state: 'done' }),
      });
    });

    it('does not lease a missing record', async () => {
      expect(await store.lease(key(), leaseOf('w1', 1), at(NOW))).toEqual({ won: false, current: undefined });
    });

    it.each([
      [
        'complete',
        (s: ClaimStore, k: ReturnType<typeof key>) => s.complete(k, { owner: 'w1', attempt: 2 }, 'wamid.out'),
      ],
      [
        'markFailed',
        (s: ClaimStore, k: ReturnType<typeof key>) => s.markFailed(k, { owner: 'w1', attempt: 2 }, 131047),
      ],
      ['confirmSent', (s: ClaimStore, k: ReturnType<typeof key>) => s.confirmSent(k, 'wamid.out')],
    ])('removes the message content when %s settles the record', async (_name, settle) => {
      const k = key();
      await store.enqueue(k, queued(), at(NOW));
      await store.lease(k, leaseOf('w1', 1), at(NOW));
      await settle(store, k);
      const record = await store.read(k);
      expect(record?.state).toMatch(/^(done|failed)$/);
      expect(record?.outbox).toBeUndefined();
    });

    it('does not let a status confirm a queued record that no worker has sent yet', async () => {
      const k = key();
      await store.enqueue(k, queued(), at(NOW));
      expect(await store.confirmSent(k, 'wamid.out')).toMatchObject({ confirmed: false });
    });
  });

  describe('multi-part answers', () => {
    const PARTS: StoredAnswer = [
      { kind: 'text', body: 'one' },
      { kind: 'buttons', body: 'two', buttons: [{ id: 'y', title: 'Yes' }] },
      { kind: 'text', body: 'three' },
    ];
    const a1 = { owner: 'a', attempt: 1 };

    it('stores the answer and partsSent for the owner only, while it holds the claim', async () => {
      const k = key();
      await store.claim(k, claimOf('a', 1), at(NOW));
      expect(await store.storeParts(k, { owner: 'b', attempt: 1 }, PARTS)).toBe('fenced-out');
      expect(await store.storeParts(k, a1, PARTS)).toBe('written');
      expect(await store.partSent(k, a1, 1)).toBe('written');
      expect(await store.partSent(k, { owner: 'a', attempt: 2 }, 2)).toBe('fenced-out');
      expect(await store.read(k)).toMatchObject({ state: 'claimed', parts: PARTS, partsSent: 1 });
      await store.release(k, a1);
      expect(await store.partSent(k, a1, 2)).toBe('fenced-out');
    });

    it('keeps the stored answer through a takeover that asks to keep it, and only then', async () => {
      const k = key();
      await store.claim(k, claimOf('a', 1), at(NOW));
      await store.storeParts(k, a1, PARTS);
      await store.partSent(k, a1, 2);
      await store.release(k, a1);
      const taken = await store.claim(k, { ...claimOf('b', 2), keepParts: true }, at(NOW));
      expect(taken).toEqual({
        won: true,
        previous: expect.objectContaining({ state: 'released', parts: PARTS, partsSent: 2 }),
      });
      expect(await store.read(k)).toMatchObject({
        state: 'claimed',
        owner: 'b',
        attempt: 2,
        parts: PARTS,
        partsSent: 2,
      });
      // The keeping takeover obeys the takeover clause: never a live lease, never the same attempt twice.
      expect((await store.claim(k, { ...claimOf('c', 2), keepParts: true }, at(NOW))).won).toBe(false);
      expect((await store.claim(k, { ...claimOf('c', 3), keepParts: true }, at(NOW))).won).toBe(false);
    });

    it('does not let the keeping takeover claim a missing or expired record (the PutItem does that)', async () => {
      expect(await store.claim(key(), { ...claimOf('a', 2), keepParts: true }, at(NOW))).toEqual({
        won: false,
        current: undefined,
      });
      const k = key();
      await store.claim(k, claimOf('a', 1), at(NOW));
      await store.storeParts(k, a1, PARTS);
      await store.release(k, a1);
      const afterExpiry = NOW + 9 * 86_400_000;
      expect((await store.claim(k, { ...claimOf('b', 2), keepParts: true }, at(afterExpiry))).won).toBe(
        false,
      );
      expect((await store.claim(k, claimOf('b', 2), at(afterExpiry))).won).toBe(true);
      expect((await store.read(k))?.parts).toBeUndefined();
    });

    it("raises partsSent by a part's status, whoever owns the record, never lowers it, never on a settled one", async () => {
      const k = key();
      await store.claim(k, claimOf('a', 1), at(NOW));
      expect(await store.confirmPart(k, 1)).toMatchObject({ confirmed: false });
      await store.storeParts(k, a1, PARTS);
      expect(await store.confirmPart(k, 2)).toMatchObject({ confirmed: true });
      expect(await store.confirmPart(k, 1)).toMatchObject({ confirmed: false });
      expect(await store.read(k)).toMatchObject({ state: 'claimed', owner: 'a', partsSent: 2 });
      await store.complete(k, a1, 'wamid.out');
      expect(await store.confirmPart(k, 3)).toMatchObject({
        confirmed: false,
        current: expect.objectContaining({ state: 'done' }),
      });
    });

    it('removes the stored answer when the record is settled', async () => {
      const k = key();
      await store.claim(k, claimOf('a', 1), at(NOW));
      await store.storeParts(k, a1, PARTS);
      await store.complete(k, a1, 'wamid.out');
      expect((await store.read(k))?.parts).toBeUndefined();
    });
  });
});
