import { describe, expect, it } from 'vitest';
import { answerMessage } from '../../../lambda/domain/answer-message';
import { deliverQueued, type WorkerDeps } from '../../../lambda/domain/deliver-queued';
import { enqueueMessage } from '../../../lambda/domain/enqueue-message';
import { InMemoryRedriveQueue } from '../../support/in-memory-redrive-queue';
import { message, useCaseFixture } from './use-case-fixture';

type Fixture = ReturnType<typeof useCaseFixture>;
const TWO_HOURS = 2 * 3_600;
const sentAgo = (f: Fixture, seconds: number) => Math.floor(f.clock.now() / 1000) - seconds;
const staleEvents = (f: Fixture) => f.observer.events.filter((e) => e.event === 'staleComposed');

describe('stale messages are counted by the owner that composes for them', () => {
  it('counts a message older than STALE_AFTER_SECONDS once, with its age, inline', async () => {
    const f = useCaseFixture();
    const outcome = await answerMessage(f.deps, {
      message: message('wamid.A', { timestamp: sentAgo(f, TWO_HOURS) }),
      deadline: f.deadline(),
    });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(staleEvents(f).map((e) => e.args[1])).toEqual([TWO_HOURS]);
  });

  it.each([
    ['a fresh message', 60],
    ['a message past the 24 h window (counted as window-closed instead)', 25 * 3_600],
  ])('does not count %s', async (_, age) => {
    const f = useCaseFixture();
    await answerMessage(f.deps, {
      message: message('wamid.A', { timestamp: sentAgo(f, age) }),
      deadline: f.deadline(),
    });

    expect(staleEvents(f)).toEqual([]);
  });

  it('honours STALE_AFTER_SECONDS', async () => {
    const f = useCaseFixture({ staleAfterSeconds: 30 });
    await answerMessage(f.deps, {
      message: message('wamid.A', { timestamp: sentAgo(f, 60) }),
      deadline: f.deadline(),
    });

    expect(staleEvents(f)).toHaveLength(1);
  });

  it('does not count again on a takeover that resumes a stored two-part answer', async () => {
    const f = useCaseFixture();
    const stale = message('wamid.A', { timestamp: sentAgo(f, TWO_HOURS), text: 'menu' });
    const retryable = { kind: 'retryable', code: 131000, detail: 'down' } as const;
    f.scriptSends({ kind: 'sent', outboundId: 'wamid.part0' }, retryable, retryable, retryable);

    const first = await answerMessage(f.deps, { message: stale, deadline: f.deadline() });
    const second = await answerMessage(f.deps, { message: stale, deadline: f.deadline() });

    expect(first).toEqual({ kind: 'retry-later', reason: 'send-failed' });
    expect(second).toEqual({ kind: 'replied' });
    expect(f.sent.map((reply) => reply.part.kind)).toEqual([
      'text',
      'buttons',
      'buttons',
      'buttons',
      'buttons',
    ]);
    expect(staleEvents(f)).toHaveLength(1);
  });

  it('counts it in queued mode too, by the worker', async () => {
    const f = useCaseFixture();
    const redrive = new InMemoryRedriveQueue(f.clock.now);
    const deps: WorkerDeps = { ...f.deps, observer: f.observer, redrive };
    const stale = message('wamid.A', { timestamp: sentAgo(f, TWO_HOURS) });
    await enqueueMessage(f.deps, { message: stale });

    const outcome = await deliverQueued(deps, {
      key: stale.key,
      observedAttempt: 1,
      deadline: f.clock.now() + 60_000,
    });

    expect(outcome).toEqual({ kind: 'replied' });
    expect(staleEvents(f).map((e) => e.args)).toEqual([[stale.key, TWO_HOURS]]);
  });
});
