import { describe, expect, it } from 'vitest';
import { answerMessage } from '../../../lambda/domain/answer-message';
import { ownerPace, pollDelay } from '../../../lambda/domain/owner-pace';
import { message, useCaseFixture } from './use-case-fixture';

describe('ownerPace', () => {
  it('starts from its initial guess and moves a fifth of the way to each observation', () => {
    const pace = ownerPace(250);
    pace.observe(50);
    expect(pace.expectedMs()).toBe(210);
  });

  it('learns a steady latency and ignores nonsense', () => {
    const pace = ownerPace(250);
    for (let i = 0; i < 60; i++) pace.observe(80);
    pace.observe(Number.NaN);
    pace.observe(-5);
    expect(pace.expectedMs()).toBeCloseTo(80, 0);
  });

  it('stays within bounds', () => {
    const pace = ownerPace(250);
    for (let i = 0; i < 100; i++) pace.observe(60_000);
    expect(pace.expectedMs()).toBe(5_000);
  });
});

describe('pollDelay', () => {
  const pace = ownerPace(200);

  it('times the first read for when the owner is expected to have finished', () => {
    expect(pollDelay(pace, 0, 1_000, 1_050)).toBe(150);
  });

  it('reads soon when the owner should already be done', () => {
    expect(pollDelay(pace, 0, 1_000, 5_000)).toBe(10);
  });

  it('backs off from a quarter of the expected time, doubling, capped at 400 ms', () => {
    expect([1, 2, 3, 4, 5].map((poll) => pollDelay(pace, poll, 1_000, 1_000))).toEqual([
      50, 100, 200, 400, 400,
    ]);
  });

  it('starts the back-off at once when the claim time is unknown', () => {
    expect(pollDelay(pace, 0, undefined, 1_000)).toBe(50);
  });
});

describe('a copy waiting for an in-flight owner', () => {
  it('reads once, when the owner is expected to be done, and answers duplicate', async () => {
    const f = useCaseFixture();
    const key = message().key;
    const claimedAt = f.clock.now();
    await f.claims.claim(
      key,
      { owner: 'other', attempt: 1, leaseUntil: claimedAt + 10_000, expiresAt: 2e9 },
      { nowMs: claimedAt, takeoverBeforeMs: claimedAt },
    );
    // The owner finishes 250 ms after its claim, the pace's initial guess.
    const sleep = f.clock.sleep;
    f.deps.clock = {
      now: f.clock.now,
      sleep: async (ms) => {
        await sleep(ms);
        if (f.clock.now() >= claimedAt + 250)
          await f.claims.complete(key, { owner: 'other', attempt: 1 }, 'wamid.o');
      },
    };
    f.claims.calls.length = 0;

    const outcome = await answerMessage(f.deps, { message: message(), deadline: f.deadline() });

    expect(outcome).toEqual({ kind: 'duplicate', reason: 'in-flight' });
    // The copy's claim, the owner's completion during the copy's one pause, the copy's single read.
    expect(f.claims.calls).toEqual(['claim', 'complete', 'read']);
    expect(f.clock.now() - claimedAt).toBe(250);
  });

  it('learns the pace from its own replies', async () => {
    const f = useCaseFixture();
    f.onSend(() => f.clock.advance(40));
    for (let i = 0; i < 30; i++) {
      await answerMessage(f.deps, { message: message(`wamid.${i}`), deadline: f.deadline() });
    }
    expect(f.deps.pace.expectedMs()).toBeLessThan(50);
  });
});
