import { describe, expect, it } from 'vitest';
import { answerMessage } from '../../../lambda/domain/answer-message';
import { enqueueMessage } from '../../../lambda/domain/enqueue-message';
import { handleDelivery } from '../../../lambda/domain/handle-delivery';
import { recordKey } from '../../../lambda/domain/messages';
import { statusOf } from '../../../lambda/http/responses';
import { message, useCaseFixture } from './use-case-fixture';

const batchOf = (...messages: ReturnType<typeof message>[]) => ({
  messages,
  statuses: [],
  errors: [],
  malformed: 0,
});

describe('enqueueMessage (queued mode webhook)', () => {
  it('writes one queued record with the reply inputs and sends nothing', async () => {
    const f = useCaseFixture();
    const outcome = await enqueueMessage(f.deps, {
      message: message('wamid.A', { timestamp: 1_799_999_000 }),
    });

    expect(outcome).toEqual({ kind: 'queued' });
    expect(f.sent).toHaveLength(0);
    expect(f.claims.calls).toEqual(['enqueue']);
    expect(f.claims.records.get(recordKey(message('wamid.A').key))).toMatchObject({
      state: 'queued',
      owner: '',
      attempt: 1,
      outbox: {
        replyTo: '16505551234',
        type: 'text',
        content: { type: 'text', body: 'test' },
        user: { phone: '16505551234' },
        msgTimestamp: 1_799_999_000,
        queuedAt: f.clock.now(),
      },
    });
  });

  it('counts the reply window from its own clock when Meta sent no timestamp', async () => {
    const f = useCaseFixture();
    await enqueueMessage(f.deps, { message: message('wamid.A') });
    const record = f.claims.records.get(recordKey(message('wamid.A').key));
    expect(record?.outbox?.msgTimestamp).toBe(Math.floor(f.clock.now() / 1000));
  });

  it.each([
    ['queued', 'in-flight'],
    ['claimed', 'in-flight'],
    ['done', 'already-processed'],
    ['failed', 'already-processed'],
  ] as const)(
    'answers a copy of a %s record at once as a duplicate (%s), with one write and no read',
    async (state, reason) => {
      const f = useCaseFixture();
      f.claims.records.set(recordKey(message().key), {
        state,
        owner: 'w',
        attempt: 2,
        leaseUntil: f.clock.now() + 60_000,
        expiresAt: Math.floor(f.clock.now() / 1000) + 86_400,
      });

      expect(await enqueueMessage(f.deps, { message: message() })).toEqual({ kind: 'duplicate', reason });
      expect(f.claims.calls).toEqual(['enqueue']);
      expect(f.observer.events).toEqual([{ event: 'duplicate', args: [message().key, reason] }]);
    },
  );

  it.each([
    ['released', 0],
    ['claimed', -10_000],
  ] as const)(
    'takes over a %s record left by inline mode as the next attempt, queued',
    async (state, leaseFromNow) => {
      const f = useCaseFixture();
      f.claims.records.set(recordKey(message().key), {
        state,
        owner: 'inline-owner',
        attempt: 1,
        leaseUntil: f.clock.now() + leaseFromNow,
        expiresAt: Math.floor(f.clock.now() / 1000) + 86_400,
      });

      expect(await enqueueMessage(f.deps, { message: message() })).toEqual({ kind: 'queued' });
      expect(f.claims.records.get(recordKey(message().key))).toMatchObject({ state: 'queued', attempt: 2 });
      expect(f.observer.events[0]).toEqual({ event: 'claimed', args: [message().key, 2, state] });
    },
  );

  it('fails closed on a store error', async () => {
    const f = useCaseFixture();
    f.claims.failNext.set('enqueue', 1);
    expect(await enqueueMessage(f.deps, { message: message() })).toEqual({ kind: 'store-error' });
    expect(f.observer.names()).toEqual(['storeError']);
  });

  it('queues a reaction too: whether the bot answers is decided by the worker, after composing', async () => {
    const f = useCaseFixture();
    expect(await enqueueMessage(f.deps, { message: message('wamid.R', { type: 'reaction' }) })).toEqual({
      kind: 'queued',
    });
    expect(f.claims.calls).toEqual(['enqueue']);
  });

  it('writes nothing for a message that has no address', async () => {
    const f = useCaseFixture();
    expect(await enqueueMessage(f.deps, { message: message('wamid.N', { replyTo: undefined }) })).toEqual({
      kind: 'terminal',
      reason: 'no-address',
    });
    expect(f.claims.calls).toEqual([]);
  });
});

describe('the two modes side by side', () => {
  it('queued mode completes a delivery once every claim is written: a 200', async () => {
    const f = useCaseFixture();
    const outcome = await handleDelivery(f.deps, {
      batch: batchOf(message('wamid.1'), message('wamid.2'), message('wamid.1')),
      deadline: f.deadline(),
      mode: 'queued',
    });
    expect(outcome.messages).toEqual([
      { kind: 'queued' },
      { kind: 'queued' },
      { kind: 'duplicate', reason: 'same-batch' },
    ]);
    expect(outcome.complete).toBe(true);
    expect(outcome.hasNewEvents).toBe(true);
    expect(f.sent).toHaveLength(0);
  });

  it('queued mode answers 500 when a claim cannot be written: Meta delivers again (fail closed)', async () => {
    const f = useCaseFixture();
    f.claims.failNext.set('enqueue', 1);
    const outcome = await handleDelivery(f.deps, {
      batch: batchOf(message('wamid.1'), message('wamid.2')),
      deadline: f.deadline(),
      mode: 'queued',
    });
    expect(outcome.messages).toEqual([{ kind: 'store-error' }, { kind: 'queued' }]);
    expect(statusOf({ kind: 'delivery', outcome })).toBe(500);
  });

  it('inline mode meeting a queued record leaves it to the worker: a duplicate, no wait, no send', async () => {
    const f = useCaseFixture();
    await enqueueMessage(f.deps, { message: message() });
    const before = f.clock.now();

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'duplicate', reason: 'in-flight' });
    expect(f.clock.now()).toBe(before);
    expect(f.claims.calls).toEqual(['enqueue', 'claim']);
    expect(f.sent).toHaveLength(0);
  });
});
