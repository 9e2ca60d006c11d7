/**
 * Which candidate ops the search supernet weighs. The alpha matrices keep the spec's
 * shapes (`[E, 6]`, `[E, 4]`, `[E, 7]`); an excluded op is not built, its softmax weight
 * is exactly 0 (its logit is masked) and the derivation never picks it.
 *
 * `RECOMMENDED_EXCLUDED_OPS` is what the product searches without by default; an empty
 * list is the spec's complete search space.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/src/errors.js';
import type { Genotype } from './contracts.js';
import { ALL_OPS, OP_NAMES, isOpName, type OpName, type OpSet } from './registry.js';

/**
 * Ops left out of a search unless asked for, with the reason. `up_dil_conv` is a stride-2,
 * dilation-2 transposed conv: every tap of its kernel lands on output pixels of one row
 * parity and one column parity, so it writes one output pixel in four and the others get
 * only the norm's shift. Inside a mixed op the other up ops fill those pixels; in a derived
 * cell whose only up edge it is, the coarser level reaches a quarter of the pixels, and the
 * dilation-2 ops after it keep that lattice. Measured on MSD hippocampus (C = 16, 500 steps
 * of batch 16): a found genotype with it 0.60 validation Dice, the same genotype with
 * `up_conv` in its place 0.82 (best of four checks).
 */
export const RECOMMENDED_EXCLUDED_OPS: readonly OpName[] = ['up_dil_conv'];

/** One line per recommended exclusion, for logs and reports. */
export const EXCLUSION_REASONS: Readonly<Record<string, string>> = {
  up_dil_conv: 'writes one output pixel in four (stride-2, dilation-2 transposed conv)',
};

/** A validated exclusion list: op keys, no repeats, every set keeps a weighable op. */
export const ExcludedOpsSchema = z
  .array(z.string())
  .max(ALL_OPS.length)
  .superRefine((ops, ctx) => {
    const problem = exclusionProblem(ops);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

function exclusionProblem(ops: readonly string[]): string | null {
  const unknown = ops.filter((o) => !isOpName(o));
  if (unknown.length > 0) {
    return `unknown op ${unknown.map((o) => `'${o}'`).join(', ')}; valid: ${ALL_OPS.join(', ')}`;
  }
  const repeated = ops.filter((o, i) => ops.indexOf(o) !== i);
  if (repeated.length > 0) return `op '${repeated[0]}' is named twice`;
  for (const set of Object.keys(OP_NAMES) as OpSet[]) {
    if (liveColumns(set, ops).length === 0) {
      return `excludes every ${set} op; keep at least one of ${OP_NAMES[set].filter((o) => o !== 'none').join(', ')}`;
    }
  }
  return null;
}

/** Parses a user's list (e.g. from `--exclude-ops`); `ValidationError` naming `what`. */
export function parseExcludedOps(ops: readonly string[], what: string): OpName[] {
  const problem = exclusionProblem(ops);
  if (problem !== null) throw new ValidationError(`${what}: ${problem}`);
  return ops as OpName[];
}

/** Columns of `set`'s alpha matrix whose ops produce output (not `none`, not excluded). */
export function liveColumns(set: OpSet, excluded: readonly string[]): number[] {
  return OP_NAMES[set].flatMap((name, k) => (name === 'none' || excluded.includes(name) ? [] : [k]));
}

/** Logit offsets of a set: 0, or a large negative number for an excluded op (softmax weight 0). */
export function alphaMask(set: OpSet, excluded: readonly string[]): number[] {
  return OP_NAMES[set].map((name) => (excluded.includes(name) ? MASKED_LOGIT : 0));
}

/** Added to an excluded op's logit: its exp underflows to exactly 0 in float32 and float64. */
export const MASKED_LOGIT = -1e9;

/** Text for logs: `all ops` or `all but up_dil_conv (reason)`. */
export function describeExclusions(excluded: readonly string[]): string {
  if (excluded.length === 0) return 'every op of the spec';
  const parts = excluded.map((o) => (EXCLUSION_REASONS[o] ? `${o} (${EXCLUSION_REASONS[o]})` : o));
  return `every op of the spec but ${parts.join(', ')}`;
}

/**
 * What a derived net built from `g` cannot do well, as a warning, or null: an UpSC that
 * takes nothing from the coarser level (no edge from input 1), or takes it only through
 * `up_dil_conv` (the coarser level then reaches one pixel in four).
 */
export function upsamplingWarning(g: Genotype): string | null {
  const fromCoarser = g.up.filter(([, input]) => input === 1).map(([op]) => op);
  if (fromCoarser.length === 0) {
    return "the genotype's up cell has no edge from the coarser level (input 1): the decoder ignores everything below each skip";
  }
  if (fromCoarser.every((op) => op === 'up_dil_conv')) {
    return (
      "the genotype's up cell takes the coarser level only through up_dil_conv, which writes one output pixel in four: " +
      'the net sees it on a quarter of the pixels (search with the default candidate ops, or put up_conv in its place)'
    );
  }
  return null;
}
