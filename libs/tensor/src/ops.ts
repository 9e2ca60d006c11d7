/**
 * Building blocks tfjs lacks, written as compositions of ops that have gradients on every
 * backend (NASUNET-SPEC section 6). All tensors are NHWC float32. None of these functions
 * disposes its inputs; intermediates are released with `tf.tidy`.
 */
import { ShapeError } from '../../core/src/errors.js';
import { tf, type Tensor4D } from './tf.js';
import { takeEvery, zeroInsert } from './geometry.js';

/**
 * Explicit symmetric padding `dilation * (k - 1) / 2` for an odd kernel (PyTorch's
 * convention), or 'same' for an even one.
 */
function samePadding(
  k: readonly number[],
  dilation: number,
): 'same' | [[0, 0], [number, number], [number, number], [0, 0]] {
  const [kh, kw] = k as [number, number];
  if (kh % 2 === 0 || kw % 2 === 0) return 'same';
  const ph = (dilation * (kh - 1)) / 2;
  const pw = (dilation * (kw - 1)) / 2;
  return [
    [0, 0],
    [ph, ph],
    [pw, pw],
    [0, 0],
  ];
}

/** Odd kernel with stride = dilation: the strided dilated conv is the plain conv of the subsampled input. */
function stridedDilationIsSubsample(k: readonly number[], stride: number, dilation: number): boolean {
  return stride === dilation && (k[0] as number) % 2 === 1 && (k[1] as number) % 2 === 1;
}

function checkStrideDilation(op: string, stride: number, dilation: number): void {
  if (!Number.isInteger(stride) || stride < 1 || !Number.isInteger(dilation) || dilation < 1) {
    throw new ShapeError(`${op}: stride and dilation must be positive integers (got ${stride}, ${dilation})`);
  }
}

/**
 * 2-D convolution with 'same' padding, equal to PyTorch's conv with
 * `padding = dilation * (k - 1) / 2` for odd kernels at every stride (symmetric padding;
 * tfjs's own 'same' pads only at the bottom/right for even inputs at stride 2). Stride > 1
 * together with dilation > 1 (which tfjs refuses): with stride = dilation every tap reads
 * rows and columns 0, s, 2s, ... of `x` only, so it is the undilated stride-1 conv of
 * `subsample(x, s)` (the same products, a quarter of the work at s = 2); otherwise the
 * dilated conv runs at stride 1 and every `stride`-th row and column is kept.
 * Differentiable on every backend once `initBackend` has run.
 *
 * @param x `[N, H, W, Cin]`
 * @param w `[k, k, Cin, Cout]`
 * @returns `[N, ceil(H/stride), ceil(W/stride), Cout]`
 */
export function conv2dSame(x: Tensor4D, w: Tensor4D, stride = 1, dilation = 1): Tensor4D {
  checkStrideDilation('conv2dSame', stride, dilation);
  const pad = samePadding(w.shape, dilation);
  if (stride === 1 || dilation === 1) return tf.conv2d(x, w, stride, pad, 'NHWC', dilation);
  if (stridedDilationIsSubsample(w.shape, stride, dilation)) {
    return tf.tidy(() => tf.conv2d(subsample(x, stride), w, 1, samePadding(w.shape, 1), 'NHWC', 1));
  }
  return tf.tidy(() => subsample(tf.conv2d(x, w, 1, pad, 'NHWC', dilation), stride));
}

/**
 * Depthwise counterpart of {@link conv2dSame}; `w` is `[k, k, C, multiplier]`, the output
 * `[N, ceil(H/stride), ceil(W/stride), C * multiplier]`.
 */
export function depthwiseConv2dSame(x: Tensor4D, w: Tensor4D, stride = 1, dilation = 1): Tensor4D {
  checkStrideDilation('depthwiseConv2dSame', stride, dilation);
  const pad = samePadding(w.shape, dilation);
  if (stride === 1 || dilation === 1) return tf.depthwiseConv2d(x, w, stride, pad, 'NHWC', dilation);
  if (stridedDilationIsSubsample(w.shape, stride, dilation)) {
    return tf.tidy(() => tf.depthwiseConv2d(subsample(x, stride), w, 1, samePadding(w.shape, 1), 'NHWC', 1));
  }
  return tf.tidy(() => subsample(tf.depthwiseConv2d(x, w, 1, pad, 'NHWC', dilation), stride));
}

/**
 * Keeps rows and columns 0, s, 2s, ... of an NHWC tensor: `[N, H, W, C] ->
 * [N, ceil(H/s), ceil(W/s), C]`. Built from pad, reshape and slice (tfjs registers no
 * gradient for stridedSlice), so it is differentiable on every backend.
 */
export function subsample(x: Tensor4D, s: number): Tensor4D {
  if (!Number.isInteger(s) || s < 1)
    throw new ShapeError(`subsample: factor must be a positive integer (got ${s})`);
  if (s === 1) return tf.clone(x);
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const ho = Math.ceil(h / s);
    const wo = Math.ceil(w / s);
    const padded =
      ho * s === h && wo * s === w
        ? x
        : tf.pad(x, [
            [0, 0],
            [0, ho * s - h],
            [0, wo * s - w],
            [0, 0],
          ]);
    return takeEvery(padded, s, s);
  });
}

/**
 * Zero-insertion upsampling: `[N, H, W, C] -> [N, 2H, 2W, C]` with the input at even rows
 * and columns and zeros elsewhere. Followed by a stride-1 conv it is a stride-2 transposed
 * conv; built from concat/reshape so it has a gradient on every backend.
 */
export function zeroInsertUpsample2x(x: Tensor4D): Tensor4D {
  return zeroInsert(x, 2, 2);
}

/**
 * Grouped 2-D convolution ('same' padding): input channels are split into `groups` equal
 * parts, part g is convolved with `w[:, :, :, g*Cout/G:(g+1)*Cout/G]`, and the results are
 * concatenated along channels.
 *
 * @param x `[N, H, W, Cin]`, Cin divisible by `groups`
 * @param w `[k, k, Cin/groups, Cout]`, Cout divisible by `groups`
 */
export function groupedConv2d(x: Tensor4D, w: Tensor4D, groups: number, stride = 1, dilation = 1): Tensor4D {
  const cin = x.shape[3];
  const cout = w.shape[3];
  if (cin % groups !== 0 || cout % groups !== 0 || w.shape[2] !== cin / groups) {
    throw new ShapeError(
      `grouped conv: ${groups} groups need Cin (${cin}) and Cout (${cout}) divisible by the group count ` +
        `and a filter of depth Cin/groups (got ${w.shape[2]})`,
    );
  }
  if (groups === 1) return conv2dSame(x, w, stride, dilation);
  return tf.tidy(() => {
    const xs = tf.split(x, groups, 3);
    const ws = tf.split(w, groups, 3);
    return tf.concat(
      xs.map((xg, g) => conv2dSame(xg as Tensor4D, ws[g] as Tensor4D, stride, dilation)),
      3,
    ) as Tensor4D;
  });
}

/**
 * Channel shuffle (ShuffleNet): views channels as `[groups, C/groups]`, transposes to
 * `[C/groups, groups]` and flattens, so each group of the next grouped conv sees every
 * group of this one.
 */
export function channelShuffle(x: Tensor4D, groups: number): Tensor4D {
  const [n, h, w, c] = x.shape;
  if (c % groups !== 0)
    throw new ShapeError(`channel shuffle: C (${c}) must be divisible by groups (${groups})`);
  if (groups === 1) return tf.clone(x);
  return tf.tidy(
    () =>
      tf.reshape(tf.transpose(tf.reshape(x, [n, h, w, groups, c / groups]), [0, 1, 2, 4, 3]), [
        n,
        h,
        w,
        c,
      ]) as Tensor4D,
  );
}
