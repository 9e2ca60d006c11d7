/** Latency samples of the service benches: summaries and pauses. */

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** A latency sample in ms: its size, median, 95th percentile, largest value and share under 100 ms. */
export interface LatencySummary {
  n: number;
  median: number;
  p95: number;
  max: number;
  under100: number;
}

/** The {@link LatencySummary} of `ms`. */
export function latencySummary(ms: readonly number[]): LatencySummary {
  const s = [...ms].sort((a, b) => a - b);
  return {
    n: s.length,
    median: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    max: s[s.length - 1] ?? NaN,
    under100: s.filter((x) => x < 100).length / Math.max(1, s.length),
  };
}

/** Resolves after `ms` milliseconds. */
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
