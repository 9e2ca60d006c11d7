/**
 * Group normalisation with its gradient written out. The forward pass is the usual
 * statistics per sample and group; the backward pass uses the closed form
 * `dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))` over each group, a
 * dozen kernels where tfjs's tape would differentiate every forward kernel (about three
 * times as many, each keeping copies of its inputs for the backward pass).
 */
import { tf, type Tensor, type Tensor4D } from './tf.js';

/** Statistics and normalised values of `x` (`[N, H, W, C]`) by `groups` channel groups. */
function normalise(x: Tensor4D, groups: number, eps: number): { normed: Tensor4D; rstd: Tensor } {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const xg = tf.reshape(x, [n, h, w, groups, c / groups]);
    const mean = tf.mean(xg, [1, 2, 4], true);
    const centred = tf.sub(xg, mean);
    const variance = tf.mean(tf.square(centred), [1, 2, 4], true);
    const rstd = tf.rsqrt(tf.add(variance, eps));
    return { normed: tf.reshape(tf.mul(centred, rstd), [n, h, w, c]) as Tensor4D, rstd };
  });
}

/** `dx` from `dxhat` (the gradient with respect to the normalised values). */
function inputGrad(dxhat: Tensor, normed: Tensor4D, rstd: Tensor, groups: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = normed.shape;
    const shape = [n, h, w, groups, c / groups];
    const d = tf.reshape(dxhat, shape);
    const xhat = tf.reshape(normed, shape);
    const m1 = tf.mean(d, [1, 2, 4], true);
    const m2 = tf.mean(tf.mul(d, xhat), [1, 2, 4], true);
    return tf.reshape(tf.mul(tf.sub(tf.sub(d, m1), tf.mul(xhat, m2)), rstd), [n, h, w, c]) as Tensor4D;
  });
}

/**
 * GroupNorm over NHWC: statistics per sample and per group of `C / groups` consecutive
 * channels, taken over H, W and the group's channels; then `* gamma + beta` per channel
 * when both are given. Same values as the plain composition of tfjs ops.
 *
 * @param x `[N, H, W, C]`, C divisible by `groups`
 * @param gamma `[C]` scale, or undefined for no affine part (then `beta` is ignored)
 * @param beta `[C]` shift
 */
export function groupNorm(x: Tensor4D, groups: number, eps: number, gamma?: Tensor, beta?: Tensor): Tensor4D {
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
          tf.sum(tf.mul(dy, nd), [0, 1, 2]),
          tf.sum(dy, [0, 1, 2]),
        ];
      },
    };
  });
  return affine(x, gamma, beta) as Tensor4D;
}
