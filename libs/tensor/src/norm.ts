/**
 * Group normalisation with its gradient written out. The forward pass is the usual
 * statistics per sample and group; the backward pass uses the closed form
 * `dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))` over each group, a
 * dozen kernels where tfjs's tape would differentiate every forward kernel (about three
 * times as many, each keeping copies of its inputs for the backward pass). On wasm, each
 * pass is one fused kernel instead (group-norm-kernels.ts).
 */
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { GROUP_NORM, GROUP_NORM_GRAD, groupNormKernelsRegistered } from './group-norm-kernels.js';

/**
 * The view of `[N, H, W, C]` in which each group's statistics are taken: `[N, H*W*C]` for
 * one group, else `[N, H*W, groups, C/groups]`.
 */
function groupView(shape: readonly number[], groups: number): number[] {
  const [n, h, w, c] = shape as [number, number, number, number];
  return groups === 1 ? [n, h * w * c] : [n, h * w, groups, c / groups];
}

/**
 * Mean of each sample's groups of `t` (`[N, H, W, C]` or its group view), kept as `[N, 1]`
 * (one group) or `[N, 1, groups, 1]`. With one group the reduced elements are the
 * innermost ones of the view, so wasm reduces them in place (a 5-D view made it transpose
 * the tensor first; same order, same values). With more, an average pool over H and W
 * then a mean over each group's channels (equal counts, so the same mean up to float32
 * rounding) replace the transposing reduction over axes 1 and 3.
 */
function groupMean(t: Tensor, shape: readonly number[], groups: number): Tensor {
  const [n, h, w, c] = shape as [number, number, number, number];
  if (groups === 1) return tf.mean(tf.reshape(t, [n, h * w * c]), 1, true);
  const pooled = tf.avgPool(tf.reshape(t, [n, h, w, c]) as Tensor4D, [h, w], 1, 'valid');
  return tf.mean(tf.reshape(pooled, [n, 1, groups, c / groups]), 3, true);
}

/**
 * Per-channel sum over N, H and W of `[N, H, W, C]`, as `[C]`: an average pool over H
 * and W (no transpose, unlike a sum over axes 0-2 on wasm), summed over N, times H*W.
 */
function sumOverPositions(t: Tensor4D): Tensor {
  const [n, h, w, c] = t.shape;
  const pooled = tf.reshape(tf.avgPool(t, [h, w], 1, 'valid'), [n, c]);
  return tf.mul(tf.sum(pooled, 0), h * w);
}

/** Statistics and normalised values of `x` (`[N, H, W, C]`) by `groups` channel groups. */
function normalise(x: Tensor4D, groups: number, eps: number): { normed: Tensor4D; rstd: Tensor } {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const xg = tf.reshape(x, groupView(x.shape, groups));
    const centred = tf.sub(xg, groupMean(x, x.shape, groups));
    const variance = groupMean(tf.square(centred), x.shape, groups);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    return { normed: tf.reshape(tf.mul(centred, rstd), [n, h, w, c]) as Tensor4D, rstd };
  });
}

/** `dx` from `dxhat` (the gradient with respect to the normalised values). */
function inputGrad(dxhat: Tensor, normed: Tensor4D, rstd: Tensor, groups: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = normed.shape;
    const view = groupView(normed.shape, groups);
    const d = tf.reshape(dxhat, view);
    const xhat = tf.reshape(normed, view);
    const m1 = groupMean(d, normed.shape, groups);
    const m2 = groupMean(tf.mul(d, xhat), normed.shape, groups);
    return tf.reshape(tf.mul(tf.sub(tf.sub(d, m1), tf.mul(xhat, m2)), rstd), [n, h, w, c]) as Tensor4D;
  });
}

/** Runs the kernel `name` (all its outputs) on the active backend. */
function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): Tensor[] {
  return tf.engine().runKernel(name, inputs, attrs) as Tensor[];
}

/**
 * `groupNorm` by the fused kernels: the forward kernel gives the output and the
 * statistics, the backward kernel all gradients from `dy`, `x` and the statistics.
 */
function fusedGroupNorm(x: Tensor4D, groups: number, eps: number, gamma?: Tensor, beta?: Tensor): Tensor4D {
  const affine = gamma !== undefined && beta !== undefined;
  const inputs = affine ? [x, gamma, beta] : [x];
  const op = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [input, g, b] = args.slice(0, inputs.length) as [Tensor4D, Tensor?, Tensor?];
    const save = args[inputs.length] as tf.GradSaveFunc;
    const kernelInputs: tf.NamedTensorMap = g && b ? { x: input, gamma: g, beta: b } : { x: input };
    const [y, stats] = runKernel(GROUP_NORM, kernelInputs, { groups, eps }) as [Tensor4D, Tensor];
    save(g ? [input, stats, g] : [input, stats]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, st, gs] = saved as [Tensor4D, Tensor, Tensor?];
        const grads = runKernel(
          GROUP_NORM_GRAD,
          { dy, x: xs, stats: st, ...(gs ? { gamma: gs } : {}) },
          { groups },
        );
        return affine ? grads : grads[0]!;
      },
    };
  });
  return op(...inputs) as Tensor4D;
}

/**
 * GroupNorm over NHWC: statistics per sample and per group of `C / groups` consecutive
 * channels, taken over H, W and the group's channels; then `* gamma + beta` per channel
 * when both are given. Same values as the plain composition of tfjs ops (float32 rounding
 * apart). Runs the fused kernels where the active backend has them (wasm, float32).
 *
 * @param x `[N, H, W, C]`, C divisible by `groups`
 * @param gamma `[C]` scale, or undefined for no affine part (then `beta` is ignored)
 * @param beta `[C]` shift
 */
export function groupNorm(x: Tensor4D, groups: number, eps: number, gamma?: Tensor, beta?: Tensor): Tensor4D {
  if (x.dtype === 'float32' && groupNormKernelsRegistered(tf.getBackend())) {
    return fusedGroupNorm(x, groups, eps, gamma, beta);
  }
  if (gamma === undefined || beta === undefined) {
    const plain = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
      const save = args[1] as tf.GradSaveFunc;
      const { normed, rstd } = normalise(args[0] as Tensor4D, groups, eps);
      save([normed, rstd]);
      return {
        value: normed,
        gradFunc: (dy: Tensor, saved: Tensor[]) => inputGrad(dy, saved[0] as Tensor4D, saved[1]!, groups),
      };
    });
    return plain(x) as Tensor4D;
  }
  const affine = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [input, g, b] = args as [Tensor4D, Tensor, Tensor];
    const save = args[3] as tf.GradSaveFunc;
    const { normed, rstd } = normalise(input, groups, eps);
    save([normed, rstd, g]);
    return {
      value: tf.add(tf.mul(normed, g), b) as Tensor4D,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [nd, rs, gs] = saved as [Tensor4D, Tensor, Tensor];
        return [
          inputGrad(tf.mul(dy, gs), nd, rs, groups),
          sumOverPositions(tf.mul(dy, nd) as Tensor4D),
          sumOverPositions(dy as Tensor4D),
        ];
      },
    };
  });
  return affine(x, gamma, beta) as Tensor4D;
}
