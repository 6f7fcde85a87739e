import { describe, expect, it } from 'vitest';
import { fixedChance, seededRandom } from '../../../devkit/random';

describe('seededRandom', () => {
  it('draws from [0, 1), the same sequence for the same seed', () => {
    const draws = Array.from({ length: 1_000 }, seededRandom(3).next);

    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
    expect(Array.from({ length: 1_000 }, seededRandom(3).next)).toEqual(draws);
  });

  it('keeps int and between inside their bounds', () => {
    const random = seededRandom(5);
    const ints = Array.from({ length: 500 }, () => random.int(2, 4));

    expect(new Set(ints)).toEqual(new Set([2, 3, 4]));
    expect(Array.from({ length: 500 }, () => random.between(10, 20)).every((v) => v >= 10 && v < 20)).toBe(
      true,
    );
  });
});

describe('fixedChance', () => {
  it('decides by its inputs only, near the asked rate', () => {
    const hits = Array.from({ length: 2_000 }, (_, n) => fixedChance(0.25, 'fault', n)).filter(
      Boolean,
    ).length;

    expect(fixedChance(0.25, 'fault', 7)).toBe(fixedChance(0.25, 'fault', 7));
    expect(hits).toBeGreaterThan(400);
    expect(hits).toBeLessThan(600);
  });
});
