import { describe, expect, it } from 'vitest';
import { percentile, percentiles, ratio } from '../../../bench/stats';
import { planMessages, plannedDeliveries } from '../../../bench/workload';

describe('bench statistics', () => {
  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [1, 1],
  ])('takes the nearest-rank p%i of 1..100 as %i', (p, expected) => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, p)).toBe(expected);
  });

  it('reports NaN, not zero, for no samples and for a ratio to zero', () => {
    expect(percentiles([])).toMatchObject({ p50: Number.NaN, count: 0 });
    expect(ratio(1, 0)).toBeNaN();
  });
});

describe('bench workload', () => {
  const shape = { messages: 200, arrivalsPerSecond: 40, seed: 7, firstIndex: 0 };

  it('gives every target the same shape from one seed, with its own wamids', () => {
    const a = planMessages(shape, 'a', 'secret');
    const b = planMessages(shape, 'b', 'secret');
    expect(a.map((p) => [p.arrivalMs, p.copies])).toEqual(b.map((p) => [p.arrivalMs, p.copies]));
    expect(new Set([...a, ...b].map((p) => p.wamid)).size).toBe(400);
  });

  it('delivers each message 1 to 4 times, with every kind of copy', () => {
    const plans = planMessages(shape, 'a', 'secret');
    const counts = new Set(plans.map((p) => 1 + p.copies.length));
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(plans.flatMap((p) => p.copies.map((c) => c.timing)))).toEqual(
      new Set(['simultaneous', 'delayed', 'after-first-answer']),
    );
    expect(plannedDeliveries(plans) / plans.length).toBeGreaterThan(2);
  });
});
