import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../devkit/random';
import { planCopies } from '../../../../local/simulator/storm';

describe('planCopies', () => {
  it('gives each message 1 to K deliveries, the same for the same seed', () => {
    const plan = planCopies({ messages: 200, copies: 3, spreadMs: 1_000, seed: 42 });
    const deliveries = plan.map((copies) => 1 + copies.simultaneous + copies.lateDelaysMs.length);

    expect(plan).toEqual(planCopies({ messages: 200, copies: 3, spreadMs: 1_000, seed: 42 }));
    expect(Math.min(...deliveries)).toBe(1);
    expect(Math.max(...deliveries)).toBe(3);
    expect(plan.flatMap((copies) => copies.lateDelaysMs).every((ms) => ms >= 0 && ms <= 1_000)).toBe(true);
  });

  it('delivers each message once with one copy', () => {
    const plan = planCopies({ messages: 10, copies: 1, spreadMs: 1_000, seed: 1 });

    expect(plan.every((copies) => copies.simultaneous === 0 && copies.lateDelaysMs.length === 0)).toBe(true);
  });

  it('draws from a seeded generator in [0, 1)', () => {
    const draws = Array.from({ length: 1_000 }, seededRandom(3).next);

    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
  });
});
