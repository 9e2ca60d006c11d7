/**
 * Deterministic case-level train/validation/test split.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../core/src/index.js';

/**
 * Split sizes: fractions (summing to at most 1; the remainder goes to train when
 * `train` is omitted) or absolute case counts (`unit: 'count'`).
 */
export interface SplitSpec {
  train?: number;
  val: number;
  test: number;
  /** Default 'fraction'. */
  unit?: 'fraction' | 'count';
  seed: number;
}

/** Case ids per split; every id is in exactly one list (ids outside the sizes are dropped only with explicit counts). */
export interface CaseSplit {
  train: string[];
  val: string[];
  test: string[];
}

/**
 * Splits case ids. The order is by sha256(seed, id), so the result depends only on the set
 * of ids and the seed (not on file listing order), no id lands in two splits, and adding
 * a case moves few others. Fractions round to the nearest count, with at least one case
 * in a split whose fraction is > 0 when there are enough cases.
 *
 * @throws ValidationError for duplicate ids, negative sizes or sizes exceeding the cases.
 */
export function splitCases(ids: readonly string[], spec: SplitSpec): CaseSplit {
  const n = ids.length;
  if (new Set(ids).size !== n) throw new ValidationError('case ids must be unique to split');
  if (!Number.isFinite(spec.seed)) throw new ValidationError(`split seed must be finite, got ${spec.seed}`);
  const unit = spec.unit ?? 'fraction';
  for (const k of ['train', 'val', 'test'] as const) {
    const v = spec[k];
    if (v !== undefined && (!Number.isFinite(v) || v < 0))
      throw new ValidationError(`split.${k} must be >= 0, got ${v}`);
    if (v !== undefined && unit === 'count' && !Number.isInteger(v))
      throw new ValidationError(`split.${k} must be an integer count, got ${v}`);
  }
  let nVal: number;
  let nTest: number;
  let nTrain: number;
  if (unit === 'fraction') {
    const total = (spec.train ?? 0) + spec.val + spec.test;
    if (total > 1 + 1e-9) throw new ValidationError(`split fractions sum to ${total} > 1`);
    const atLeastOne = (f: number): number => (f > 0 ? Math.max(1, Math.round(f * n)) : 0);
    nVal = atLeastOne(spec.val);
    nTest = atLeastOne(spec.test);
    nTrain = spec.train === undefined ? n - nVal - nTest : atLeastOne(spec.train);
    if (nTrain + nVal + nTest > n) nTrain = n - nVal - nTest;
  } else {
    nVal = spec.val;
    nTest = spec.test;
    nTrain = spec.train ?? n - nVal - nTest;
  }
  if (nTrain < 0 || nTrain + nVal + nTest > n) {
    throw new ValidationError(
      `split needs ${nTrain + nVal + nTest} cases (train ${nTrain}, val ${nVal}, test ${nTest}) but there are ${n}`,
    );
  }
  const keyed = ids.map((id) => ({
    id,
    k: createHash('sha256').update(`${spec.seed}\0${id}`).digest('hex'),
  }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.id < b.id ? -1 : 1));
  const ordered = keyed.map((e) => e.id);
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    val: ordered.slice(0, nVal).sort(byName),
    test: ordered.slice(nVal, nVal + nTest).sort(byName),
    train: ordered.slice(nVal + nTest, nVal + nTest + nTrain).sort(byName),
  };
}
