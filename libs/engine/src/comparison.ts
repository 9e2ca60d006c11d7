/**
 * Comparing two networks on the same test cases: the paired bootstrap confidence interval
 * of the mean per-case difference (Efron & Tibshirani), so "A beats B" is claimed only when
 * the interval excludes zero.
 */
import { ValidationError } from '../../core/src/errors.js';
import { Rng } from './rng.js';

/** Result of {@link pairedBootstrap}. */
export interface PairedComparison {
  /** Mean of `a[i] - b[i]`. */
  meanDiff: number;
  /** Percentile interval of the resampled mean difference. */
  lo: number;
  hi: number;
  level: number;
  /** Cases in the comparison. */
  n: number;
  /** Share of resamples where A's mean exceeded B's. */
  pAbove: number;
}

/**
 * Paired bootstrap over cases: resamples case indices with replacement `iterations` times
 * (seeded), takes the mean difference of each resample and returns the `level` percentile
 * interval. `a` and `b` hold one value per case, in the same case order.
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  opts: { iterations?: number; level?: number; seed?: number } = {},
): PairedComparison {
  if (a.length !== b.length || a.length === 0) {
    throw new ValidationError(
      `paired comparison needs equally many values (${a.length} vs ${b.length}), at least one`,
    );
  }
  const iterations = opts.iterations ?? 10_000;
  const level = opts.level ?? 0.95;
  const n = a.length;
  const d = a.map((v, i) => v - (b[i] as number));
  const meanDiff = d.reduce((s, v) => s + v, 0) / n;
  const rng = new Rng(opts.seed ?? 0);
  const means = new Float64Array(iterations);
  let above = 0;
  for (let k = 0; k < iterations; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)] as number;
    means[k] = s / n;
    if (means[k]! > 0) above++;
  }
  means.sort();
  const at = (q: number): number =>
    means[Math.min(iterations - 1, Math.max(0, Math.floor(q * iterations)))] as number;
  return {
    meanDiff,
    lo: at((1 - level) / 2),
    hi: at(1 - (1 - level) / 2),
    level,
    n,
    pAbove: above / iterations,
  };
}
