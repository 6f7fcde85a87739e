import { describe, expect, it } from 'vitest';
import { type CopyShape, planCopies } from '../../../../devkit/meta/copies';
import { seededRandom } from '../../../../devkit/random';
import { stormCopyShape } from '../../../../local/simulator/storm';

const SHAPE: CopyShape = {
  deliveries: [1, 2, 3, 4],
  timings: ['simultaneous', 'delayed', 'after-first-answer'],
  delayedMs: [10, 150],
  afterFirstAnswerMs: [0, 100],
};

describe('planCopies', () => {
  it('gives each message 1 to 4 deliveries with every timing, the same for the same seed', () => {
    const plan = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 300 }, () => planCopies(random, SHAPE));
    };
    const copies = plan(42);

    expect(plan(42)).toEqual(copies);
    expect(new Set(copies.map((c) => 1 + c.length))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(copies.flat().map((c) => c.timing))).toEqual(new Set(SHAPE.timings));
  });

  it('keeps each timing within its own delay range', () => {
    const random = seededRandom(9);
    const copies = Array.from({ length: 300 }, () => planCopies(random, SHAPE)).flat();
    const delays = (timing: string) => copies.filter((c) => c.timing === timing).map((c) => c.delayMs);

    expect(delays('simultaneous').every((ms) => ms === 0)).toBe(true);
    expect(delays('delayed').every((ms) => ms >= 10 && ms <= 150)).toBe(true);
    expect(delays('after-first-answer').every((ms) => ms >= 0 && ms <= 100)).toBe(true);
  });

  it('delivers each message once in the simulator shape with one copy', () => {
    const random = seededRandom(1);
    const shape = stormCopyShape({ copies: 1, spreadMs: 1_000 });

    expect(Array.from({ length: 20 }, () => planCopies(random, shape)).flat()).toEqual([]);
  });
});
