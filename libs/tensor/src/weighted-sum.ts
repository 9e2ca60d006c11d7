/**
 * `sum_k weights[k] * terms[k]` over K equally shaped tensors and a `[K]` weight vector,
 * differentiable in both: the search's mixed-op sum (NAS-Unet spec, MixedOp). Composed of
 * tfjs ops it is K multiplies and K - 1 adds forward and about 3K kernels back (each term's
 * `w * dy`, each weight's `sum(term * dy)`); where the backend has the two kernels below
 * (wasm with the BLAS addon, blas-kernels.ts) it is one kernel each way, the same arithmetic
 * in the same order forward.
 */
import { ShapeError } from '../../core/src/errors.js';
import { tf, type Tensor } from './tf.js';

/** Inputs `t0` ... `t{K-1}` and `w`, attribute `count` = K; output the sum. */
export const WEIGHTED_SUM = 'NasunetWeightedSum';
/** Inputs `dy`, the terms and `w`, attribute `count`; outputs each term's gradient, then `w`'s. */
export const WEIGHTED_SUM_GRAD = 'NasunetWeightedSumGrad';
/** The most terms the kernels take; longer sums are composed. */
export const MAX_FUSED_TERMS = 32;

/** Input name of term `k` of the kernels. */
export const termName = (k: number): string => `t${k}`;

function named(terms: readonly Tensor[], w: Tensor): tf.NamedTensorMap {
  return Object.fromEntries([...terms.map((t, k) => [termName(k), t] as const), ['w', w] as const]);
}

function composed(terms: readonly Tensor[], weights: Tensor): Tensor {
  return tf.tidy(() => {
    const parts = tf.unstack(weights);
    return terms.reduce<Tensor | null>((sum, t, k) => {
      const term = tf.mul(t, parts[k]!);
      return sum === null ? term : tf.add(sum, term);
    }, null)!;
  });
}

/** `sum_k weights[k] * terms[k]`; see the module doc. */
export function weightedSum(terms: readonly Tensor[], weights: Tensor): Tensor {
  const count = terms.length;
  if (count === 0 || weights.rank !== 1 || weights.shape[0] !== count) {
    throw new ShapeError(
      `weightedSum: ${count} term(s) need weights of shape [${count}], got [${weights.shape}]`,
    );
  }
  if (terms.some((t) => !tf.util.arraysEqual(t.shape, terms[0]!.shape))) {
    throw new ShapeError(
      `weightedSum: terms differ in shape (${terms.map((t) => `[${t.shape}]`).join(', ')})`,
    );
  }
  const fused =
    count <= MAX_FUSED_TERMS &&
    [...terms, weights].every((t) => t.dtype === 'float32') &&
    tf.getKernel(WEIGHTED_SUM, tf.getBackend()) !== undefined;
  if (!fused) return composed(terms, weights);
  const op = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const ts = args.slice(0, count) as Tensor[];
    const w = args[count] as Tensor;
    const save = args[count + 1] as tf.GradSaveFunc;
    save([...ts, w]);
    return {
      value: tf.engine().runKernel(WEIGHTED_SUM, named(ts, w), { count }) as Tensor,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const inputs = { dy, ...named(saved.slice(0, count), saved[count]!) };
        return tf.engine().runKernel(WEIGHTED_SUM_GRAD, inputs, { count }) as Tensor[];
      },
    };
  });
  return op(...terms, weights);
}
