/**
 * How long this container's own claims take from the claim write to the settling write (mostly the
 * Graph call). A copy that finds a message in flight times its first poll by it, from the owner's
 * `claimedAt`, instead of a fixed schedule that overshoots a fast Graph API and polls a slow one
 * needlessly. Learned per container; nothing is shared or stored.
 */
export interface OwnerPace {
  expectedMs(): number;
  observe(ms: number): void;
}

const INITIAL_MS = 250;
const MIN_MS = 20;
const MAX_MS = 5_000;
/** Weight of the newest observation: a few dozen replies to adapt, one outlier cannot swing it. */
const WEIGHT = 0.2;

export function ownerPace(initialMs = INITIAL_MS): OwnerPace {
  let expected = initialMs;
  return {
    expectedMs: () => expected,
    observe(ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      expected = Math.min(MAX_MS, Math.max(MIN_MS, expected + WEIGHT * (ms - expected)));
    },
  };
}

const MIN_POLL_MS = 10;
const MIN_LATER_POLL_MS = 25;
const MAX_POLL_MS = 400;

/**
 * The pause before the n-th consistent read of an in-flight record: the first lands when the owner
 * is expected to have finished; later ones back off from a quarter of that, doubling, capped.
 */
export function pollDelay(pace: OwnerPace, poll: number, claimedAt: number | undefined, now: number): number {
  const expected = pace.expectedMs();
  const clamp = (ms: number, min: number) => Math.round(Math.min(MAX_POLL_MS, Math.max(min, ms)));
  if (poll === 0 && claimedAt !== undefined) return clamp(claimedAt + expected - now, MIN_POLL_MS);
  return clamp((expected / 4) * 2 ** Math.max(0, poll - 1), MIN_LATER_POLL_MS);
}
