/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export const percentiles = (samples: readonly number[]): Percentiles => ({
  p50: percentile(samples, 50),
  p95: percentile(samples, 95),
  p99: percentile(samples, 99),
  count: samples.length,
});

/** a / b, or NaN when b is zero (a ratio that means nothing is shown as such, never as Infinity). */
export const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
