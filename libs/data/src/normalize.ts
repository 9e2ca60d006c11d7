/**
 * Intensity normalisation.
 */
import { ValidationError } from '../../core/src/index.js';
import type { Case } from './types.js';

/**
 * How image intensities are normalised:
 * - `zscore`: per case, (v - mean_case) / std_case over all voxels of the case (the paper's choice; default);
 * - `fixed`: (v - mean) / std with dataset statistics computed on the training split
 *   ({@link computeIntensityStats}) and recorded in the model bundle.
 */
export type NormalizationSpec = { kind: 'zscore' } | { kind: 'fixed'; mean: number; std: number };

/** Mean and standard deviation of intensities. */
export interface IntensityStats {
  mean: number;
  std: number;
  /** Voxels the statistics were computed on. */
  count: number;
}

/** Smallest std used as a divisor; constant images normalise to 0. */
export const MIN_STD = 1e-6;

/** Mean/std (population) over the given arrays, accumulated in float64. */
export function statsOf(arrays: readonly ArrayLike<number>[]): IntensityStats {
  let n = 0;
  let sum = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) sum += a[i] as number;
    n += a.length;
  }
  if (n === 0) return { mean: 0, std: 0, count: 0 };
  const mean = sum / n;
  let ss = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] as number) - mean;
      ss += d * d;
    }
  }
  return { mean, std: Math.sqrt(ss / n), count: n };
}

/** Dataset statistics over all image voxels of the given cases (use the training split only). */
export function computeIntensityStats(cases: readonly Case[]): IntensityStats {
  return statsOf(cases.map((c) => c.image.data));
}

/** Checks a spec, throwing ValidationError naming the bad field. */
export function validateNormalization(spec: NormalizationSpec): void {
  if (spec.kind === 'zscore') return;
  if (spec.kind === 'fixed') {
    if (!Number.isFinite(spec.mean))
      throw new ValidationError(`normalization.mean must be finite, got ${spec.mean}`);
    if (!Number.isFinite(spec.std) || spec.std <= 0)
      throw new ValidationError(`normalization.std must be > 0, got ${spec.std}`);
    return;
  }
  throw new ValidationError(
    `normalization.kind must be 'zscore' or 'fixed', got '${(spec as { kind: string }).kind}'`,
  );
}

/** Returns a new normalised copy of `data` (one case's voxels). */
export function normalizeIntensities(data: Float32Array, spec: NormalizationSpec): Float32Array {
  validateNormalization(spec);
  const { mean, std } = spec.kind === 'fixed' ? spec : statsOf([data]);
  const inv = std > MIN_STD ? 1 / std : 0;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = ((data[i] as number) - mean) * inv;
  return out;
}
