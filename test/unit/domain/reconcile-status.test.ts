import { describe, expect, it } from 'vitest';
import { encodeCallbackData } from '../../../lambda/domain/callback-data';
import type { ClaimRecord, ClaimState } from '../../../lambda/domain/claim-record';
import { recordKey } from '../../../lambda/domain/messages';
import { reconcileStatus } from '../../../lambda/domain/reconcile-status';
import { message, useCaseFixture } from './use-case-fixture';

const KEY = message().key;
const ID = recordKey(KEY);

const record = (state: ClaimState, fields: Partial<ClaimRecord> = {}): ClaimRecord => ({
  state,
  owner: 'owner-1',
  attempt: 1,
  leaseUntil: 0,
  expiresAt: 4_000_000_000,
  ...fields,
});

const statusOf = (status: string, outboundId = 'wamid.out-1', attempt = 1) => ({
  tenantId: KEY.tenantId,
  outboundId,
  status,
  callbackData: encodeCallbackData({ key: KEY, attempt }),
  errorCodes: [],
});

/** A fixture whose store holds `current`, and whose eventually consistent reads may show `stale`. */
function withRecord(current: ClaimRecord | undefined, stale?: ClaimRecord | 'absent') {
  const f = useCaseFixture();
  if (current) f.claims.records.set(ID, current);
  if (stale) f.claims.staleViews.set(ID, stale);
  return f;
}

describe('reconcileStatus on a settled record', () => {
  it.each(['sent', 'delivered', 'read'])(
    'answers a %s status of a done record from one peek, with no write',
    async (status) => {
      const f = withRecord(record('done', { outboundId: 'wamid.out-1' }));
      await reconcileStatus(f.deps, statusOf(status));
      expect(f.claims.calls).toEqual(['peek']);
      expect(f.observer.events).toEqual([]);
    },
  );

  it('counts a double reply from the peek when the done record holds another reply', async () => {
    const f = withRecord(record('done', { attempt: 2, outboundId: 'wamid.out-2' }));
    await reconcileStatus(f.deps, statusOf('sent', 'wamid.out-1', 1));
    expect(f.claims.calls).toEqual(['peek']);
    expect(f.observer.events).toEqual([
      { event: 'doubleReply', args: [KEY, { confirmedAttempt: 1, settledAttempt: 2 }] },
    ]);
  });

  it('takes the conditional write for a done record near its expiry, which a new claim may have replaced', async () => {
    const f = useCaseFixture();
    const inAMinute = Math.floor(f.clock.now() / 1000) + 60;
    f.claims.records.set(ID, record('done', { outboundId: 'wamid.out-1', expiresAt: inAMinute }));
    await reconcileStatus(f.deps, statusOf('read'));
    expect(f.claims.calls).toEqual(['peek', 'confirmSent']);
    expect(f.claims.records.get(ID)).toMatchObject({ state: 'done', outboundId: 'wamid.out-1' });
  });

  it('pays the write when a stale peek shows the done record of an expired life that a claim replaced', async () => {
    const f = withRecord(record('unknown', { attempt: 2 }));
    f.claims.staleViews.set(
      ID,
      record('done', { outboundId: 'wamid.out-0', expiresAt: Math.floor(f.clock.now() / 1000) - 1 }),
    );
    await reconcileStatus(f.deps, statusOf('sent', 'wamid.out-2', 2));
    expect(f.claims.calls).toEqual(['peek', 'confirmSent']);
    expect(f.claims.records.get(ID)).toMatchObject({ state: 'done', outboundId: 'wamid.out-2' });
  });

  it('settles a failed record as done: a reply reached the user after all', async () => {
    const f = withRecord(record('failed'));
    await reconcileStatus(f.deps, statusOf('sent'));
    expect(f.claims.calls).toEqual(['peek', 'confirmSent']);
    expect(f.claims.records.get(ID)).toMatchObject({ state: 'done', outboundId: 'wamid.out-1' });
  });
});

describe('reconcileStatus on an unsettled record', () => {
  it.each(['unknown', 'released', 'claimed'] as const)(
    'settles a %s record with one conditional write after the peek',
    async (state) => {
      const f = withRecord(record(state));
      await reconcileStatus(f.deps, statusOf('sent'));
      expect(f.claims.calls).toEqual(['peek', 'confirmSent']);
      expect(f.claims.records.get(ID)).toMatchObject({ state: 'done', outboundId: 'wamid.out-1' });
      expect(f.observer.names()).toEqual(['statusReconciled']);
    },
  );

  it('settles an ambiguous send on a delivered status too, when the sent status never came', async () => {
    const f = withRecord(record('unknown'));
    await reconcileStatus(f.deps, statusOf('delivered'));
    expect(f.claims.records.get(ID)).toMatchObject({ state: 'done' });
  });
});

describe('reconcileStatus with a stale peek', () => {
  it('reads again, consistently, when the peek misses a record that exists, and settles it', async () => {
    const f = withRecord(record('unknown'), 'absent');
    await reconcileStatus(f.deps, statusOf('sent'));
    expect(f.claims.calls).toEqual(['peek', 'read', 'confirmSent']);
    expect(f.claims.records.get(ID)).toMatchObject({ state: 'done' });
  });

  it('pays the conditional write that fails when the peek shows an unsettled record already done', async () => {
    const f = withRecord(record('done', { attempt: 2, outboundId: 'wamid.out-2' }), record('unknown'));
    await reconcileStatus(f.deps, statusOf('sent', 'wamid.out-1', 1));
    expect(f.claims.calls).toEqual(['peek', 'confirmSent']);
    expect(f.claims.records.get(ID)).toMatchObject({ state: 'done', outboundId: 'wamid.out-2' });
    expect(f.observer.names()).toEqual(['doubleReply']);
  });
});

describe('reconcileStatus without a record to settle', () => {
  it('costs the two reads and no write when no record exists', async () => {
    const f = withRecord(undefined);
    await reconcileStatus(f.deps, statusOf('sent'));
    expect(f.claims.calls).toEqual(['peek', 'read']);
    expect(f.claims.records.size).toBe(0);
  });

  it.each([
    ['callback data of another sender', 'not-ours'],
    ['no callback data', undefined],
  ])('does not touch the store for a status with %s', async (_, callbackData) => {
    const f = withRecord(record('unknown'));
    await reconcileStatus(f.deps, { ...statusOf('sent'), callbackData });
    expect(f.claims.calls).toEqual([]);
  });

  it('reports a failed status of our reply without touching the store', async () => {
    const f = withRecord(record('done'));
    await reconcileStatus(f.deps, statusOf('failed'));
    expect(f.claims.calls).toEqual([]);
    expect(f.observer.names()).toEqual(['asyncReplyFailure']);
  });
});
