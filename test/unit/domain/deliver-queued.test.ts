import { describe, expect, it } from 'vitest';
import { decodeCallbackData } from '../../../lambda/domain/callback-data';
import { canAcknowledge, deliverQueued, type WorkerDeps } from '../../../lambda/domain/deliver-queued';
import { enqueueMessage } from '../../../lambda/domain/enqueue-message';
import { recordKey } from '../../../lambda/domain/messages';
import { InMemoryRedriveQueue } from '../../support/in-memory-redrive-queue';
import { message, useCaseFixture } from './use-case-fixture';

const KEY = message().key;

/** The use-case fixture plus a re-drive queue on the same fake clock, and one message queued. */
async function workerFixture() {
  const f = useCaseFixture();
  const redrive = new InMemoryRedriveQueue(f.clock.now);
  const deps: WorkerDeps = { ...f.deps, observer: f.observer, redrive };
  await enqueueMessage(f.deps, {
    message: message('wamid.A', { timestamp: Math.floor(f.clock.now() / 1000) }),
  });
  f.observer.events.length = 0;
  const record = () => f.claims.records.get(recordKey(KEY));
  const run = (observedAttempt: number, remainingMs = 60_000) =>
    deliverQueued(deps, { key: KEY, observedAttempt, deadline: f.clock.now() + remainingMs });
  /** Delivers every re-drive that is due, as the redrive function would. */
  const drainRedrives = async () => {
    const outcomes = [];
    for (const due of redrive.takeDue()) outcomes.push(await run(due.observedAttempt));
    return outcomes;
  };
  return { ...f, redrive, deps, record, run, drainRedrives };
}

describe('deliverQueued', () => {
  it('leases the queued record, sends one reply as attempt 2 and completes it without its content', async () => {
    const w = await workerFixture();

    expect(await w.run(1)).toEqual({ kind: 'replied' });

    expect(w.sent).toHaveLength(1);
    expect(decodeCallbackData(w.sent[0]?.callbackData)).toEqual({ key: KEY, attempt: 2 });
    expect(w.record()).toMatchObject({ state: 'done', attempt: 2 });
    expect(w.record()?.outbox).toBeUndefined();
    expect(w.claims.calls).toEqual(['enqueue', 'lease', 'complete']);
  });

  it('reports the lease it takes as a lease, not as a second claim of a message the webhook claimed', async () => {
    const w = await workerFixture();

    await w.run(1);

    expect(w.observer.events).toContainEqual({ event: 'leaseTaken', args: [KEY, 2] });
    expect(w.observer.names()).not.toContain('claimed');
  });

  it('acknowledges a redelivered trigger of a settled message without a send', async () => {
    const w = await workerFixture();
    await w.run(1);

    const outcome = await w.run(1);

    expect(outcome).toEqual({ kind: 'settled-before' });
    expect(canAcknowledge(outcome)).toBe(true);
    expect(w.sent).toHaveLength(1);
  });

  it('hands a message with a live lease to a re-drive due when the lease plus grace ends', async () => {
    const w = await workerFixture();
    w.onSend(async () => {
      // A second trigger of the same attempt arrives while the first owner is sending.
      expect(await w.run(1)).toEqual({ kind: 'redrive-scheduled', reason: 'lease-live' });
    });
    await w.run(1, 20_000);

    expect(w.sent).toHaveLength(1);
    expect(w.redrive.history).toEqual([
      expect.objectContaining({
        observedAttempt: 2,
        delaySeconds: Math.ceil((20_000 - 2_000 + 3_000) / 1000) + 1,
      }),
    ]);
    w.clock.advance(30_000);
    expect(await w.drainRedrives()).toEqual([{ kind: 'settled-before' }]);
    expect(w.sent).toHaveLength(1);
  });

  it('releases on a retryable Graph error and replies once from the re-drive after the backoff', async () => {
    const w = await workerFixture();
    const down = { kind: 'retryable', code: 131016, detail: 'down' } as const;
    w.scriptSends(down, down, down);

    expect(await w.run(1)).toEqual({ kind: 'redrive-scheduled', reason: 'retryable' });
    expect(w.record()).toMatchObject({ state: 'released', attempt: 2 });
    expect(w.redrive.history).toEqual([expect.objectContaining({ observedAttempt: 2, delaySeconds: 2 })]);

    w.clock.advance(2_000);
    expect(await w.drainRedrives()).toEqual([{ kind: 'replied' }]);
    expect(w.sent.filter((_, i) => i >= 3)).toHaveLength(1);
    expect(w.record()).toMatchObject({ state: 'done', attempt: 3 });
  });

  it("re-drives with a doubling backoff by attempt, capped at SQS's 900 s", async () => {
    const w = await workerFixture();
    const down = { kind: 'retryable', code: 131016, detail: 'down' } as const;
    w.scriptSends(...Array.from({ length: 40 }, () => down));
    await w.run(1);
    for (let round = 0; round < 12; round++) {
      w.clock.advance(900_000);
      await w.drainRedrives();
    }
    const delays = w.redrive.history.map((entry) => entry.delaySeconds);
    expect(delays.slice(0, 5)).toEqual([2, 4, 8, 16, 32]);
    expect(Math.max(...delays)).toBe(900);
  });

  it('marks an ambiguous send unknown; a sent status settles it and the re-drive sends nothing', async () => {
    const w = await workerFixture();
    w.scriptSends({ kind: 'ambiguous', detail: 'timeout' });

    expect(await w.run(1)).toEqual({ kind: 'redrive-scheduled', reason: 'ambiguous' });
    expect(w.record()).toMatchObject({ state: 'unknown', attempt: 2 });
    await w.claims.confirmSent(KEY, 'wamid.out-1');

    w.clock.advance(40_000);
    expect(await w.drainRedrives()).toEqual([{ kind: 'settled-before' }]);
    expect(w.sent).toHaveLength(1);
  });

  it('resends an ambiguous send once when no status came within the grace', async () => {
    const w = await workerFixture();
    w.scriptSends({ kind: 'ambiguous', detail: 'timeout' });
    await w.run(1);

    w.clock.advance(34_000);
    expect(await w.drainRedrives()).toEqual([{ kind: 'replied' }]);
    expect(w.sent).toHaveLength(2);
    expect(w.record()).toMatchObject({ state: 'done', attempt: 3 });
  });

  it('ends the message as window-closed, with no Graph call, once the 24 h window is over', async () => {
    const w = await workerFixture();
    w.clock.advance(24 * 3_600_000);

    expect(await w.run(1)).toEqual({ kind: 'terminal', reason: 'window-closed' });

    expect(w.sent).toHaveLength(0);
    expect(w.record()).toMatchObject({ state: 'failed', errorCode: 131047 });
    expect(w.record()?.outbox).toBeUndefined();
    expect(w.observer.names()).toContain('windowClosed');
  });

  it('does not acknowledge the trigger when the re-drive cannot be enqueued', async () => {
    const w = await workerFixture();
    w.scriptSends(
      { kind: 'retryable', code: 131016, detail: 'down' },
      { kind: 'retryable', code: 131016, detail: 'down' },
      { kind: 'retryable', code: 131016, detail: 'down' },
    );
    w.redrive.failNext = 1;

    const outcome = await w.run(1);

    expect(outcome).toEqual({ kind: 'redrive-failed' });
    expect(canAcknowledge(outcome)).toBe(false);
    // The trigger comes back with the attempt it saw; the released record is re-driven from it.
    expect(await w.run(1)).toEqual({ kind: 'redrive-scheduled', reason: 'released' });
    w.clock.advance(4_000);
    expect(await w.drainRedrives()).toEqual([{ kind: 'replied' }]);
  });

  it("takes over a dead worker's record when a stale trigger arrives after its lease ended", async () => {
    const w = await workerFixture();
    w.onSend(() => {
      throw new Error('worker killed');
    });
    await expect(w.run(1, 10_000)).rejects.toThrow('worker killed');
    w.onSend(undefined);
    w.clock.advance(20_000);

    expect(await w.run(1)).toEqual({ kind: 'replied' });
    expect(w.record()).toMatchObject({ state: 'done', attempt: 3 });
  });

  it('hands the message to a short re-drive when too little time is left for a send', async () => {
    const w = await workerFixture();
    expect(await w.run(1, 2_200)).toEqual({ kind: 'redrive-scheduled', reason: 'no-time-left' });
    expect(w.claims.calls).toEqual(['enqueue']);
    expect(w.redrive.history).toEqual([expect.objectContaining({ observedAttempt: 1, delaySeconds: 1 })]);
  });

  it('releases and re-drives when the bot throws', async () => {
    const w = await workerFixture();
    w.deps.bot = { compose: () => Promise.reject(new Error('LLM down')) };
    expect(await w.run(1)).toEqual({ kind: 'redrive-scheduled', reason: 'retryable' });
    expect(w.record()).toMatchObject({ state: 'released' });
    expect(w.sent).toHaveLength(0);
  });

  it('reports a store error so the trigger is retried', async () => {
    const w = await workerFixture();
    w.claims.failNext.set('lease', 1);
    const outcome = await w.run(1);
    expect(outcome).toEqual({ kind: 'store-error' });
    expect(canAcknowledge(outcome)).toBe(false);
  });
});
