/**
 * Gradients of 2-D convolution (NHWC, filter `[kh, kw, Cin, Cout]`) written with kernels
 * every backend has: forward conv2d, transpose, reverse, pad/slice and matMul. They cover
 * any stride and dilation tfjs accepts in the forward pass (stride 1 or dilation 1) and any
 * padding ('same', 'valid', a number or explicit pairs).
 */
import { tf, type Tensor4D } from './tf.js';
import { padOrCrop, takeEvery, zeroInsert, type Pair } from './geometry.js';

/** Padding attribute as tfjs kernels carry it. */
export type ConvPadding = 'same' | 'valid' | number | number[][];
/** Output-size rounding for numeric padding, as in tfjs. */
export type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;

/** Geometry of one forward convolution or pooling. */
export interface ConvGeometry {
  strides: Pair;
  pad: ConvPadding;
  dilations: Pair;
  dimRoundingMode?: RoundingMode;
}

type Shape4 = [number, number, number, number];
type TfPad = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];

/** tfjs's own description of a forward conv (output size, resolved padding). */
export function convInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  g: ConvGeometry,
  depthwise = false,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    g.strides as number | [number, number],
    g.dilations as number | [number, number],
    g.pad as TfPad,
    g.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/**
 * Input gradient of `conv2d`: the `dy` (`[N, Ho, Wo, Cout]`) zero-inserted by the stride,
 * padded so that a stride-1 conv with the spatially flipped, in/out-swapped filter at the
 * forward dilation yields `[N, H, W, Cin]`.
 */
export function conv2dInputGradComposed(
  dy: Tensor4D,
  filter: Tensor4D,
  xShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(xShape, filter.shape, g);
    const dyz = stridedSpread(dy, info.strideHeight, info.strideWidth);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
    const dilations: [number, number] = [info.dilationHeight, info.dilationWidth];
    return paddedConv(dyz, inputGradPadding(dyz, info), (x, pad) =>
      tf.conv2d(x, flipped, 1, pad, 'NHWC', dilations),
    );
  });
}

/**
 * Filter gradient of `conv2d` as one forward conv over transposed operands: `x` becomes
 * `[Cin, H, W, N]` (batch is the reduction axis), `dy` becomes the filter `[Ho, Wo, N, Cout]`;
 * the forward dilation becomes the stride and the forward stride the dilation. Result
 * `[kh, kw, Cin, Cout]`. An unpadded 1x1 conv takes one matMul instead.
 */
export function conv2dFilterGradComposed(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, g);
    if (isUnpaddedPointwise(info)) return pointwiseFilterGrad(x, dy, info);
    const xt = tf.transpose(x, [3, 1, 2, 0]) as Tensor4D;
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as Tensor4D;
    const strides: [number, number] = [info.dilationHeight, info.dilationWidth];
    const dilations: [number, number] = [info.strideHeight, info.strideWidth];
    const r = paddedConv(xt, padForFilterGrad(info), (xs, pad) =>
      tf.conv2d(xs, dyt, strides, pad, 'NHWC', dilations),
    );
    return tf.transpose(r, [1, 2, 0, 3]) as Tensor4D;
  });
}

function isUnpaddedPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  return info.filterHeight === 1 && info.filterWidth === 1 && p.top + p.bottom + p.left + p.right === 0;
}

/**
 * Filter gradient of an unpadded 1x1 conv (the cells' preprocessing, the stem): the
 * input rows and columns the stride reads, `[N*Ho*Wo, Cin]`, transposed, times `dy` as
 * `[N*Ho*Wo, Cout]`. One plain matMul instead of a conv whose "filter" is the whole
 * `dy` image (2-20x faster on wasm, whose matMul with `transposeA` transposes anyway).
 */
function pointwiseFilterGrad(x: Tensor4D, dy: Tensor4D, info: tf.backend_util.Conv2DInfo): Tensor4D {
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const { outHeight: ho, outWidth: wo, inChannels: cin, outChannels: cout } = info;
  const read =
    sh === 1 && sw === 1
      ? x
      : takeEvery(padOrCrop(x, 0, ho * sh - info.inHeight, 0, wo * sw - info.inWidth), sh, sw);
  const rows = info.batchSize * ho * wo;
  const xt = tf.transpose(tf.reshape(read, [rows, cin]));
  return tf.reshape(tf.matMul(xt, tf.reshape(dy, [rows, cout])), [1, 1, cin, cout]) as Tensor4D;
}

/**
 * Filter gradient of `conv2d` by im2col: the `kh*kw` shifted (strided, dilated) views of
 * the padded input are stacked to `[N*Ho*Wo, kh*kw*Cin]` and multiplied by `dy`
 * reshaped to `[N*Ho*Wo, Cout]`. Same result as {@link conv2dFilterGradComposed}.
 */
export function conv2dFilterGradIm2col(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, g);
    const [kh, kw, cin, cout] = filterShape as Shape4;
    const views = shiftedViews(x, info);
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const patches = tf.reshape(tf.stack(views, 3), [rows, kh * kw * cin]);
    const d2 = tf.reshape(dy, [rows, cout]);
    return tf.reshape(tf.matMul(patches, d2, true, false), [kh, kw, cin, cout]) as Tensor4D;
  });
}

/**
 * The `kh*kw` views `x_pad[:, p*dh + i*sh, q*dw + j*sw, :]` (i < Ho, j < Wo), in
 * row-major (p, q) order, each `[N, Ho, Wo, C]`. Padding uses `padValue`.
 */
export function shiftedViews(x: Tensor4D, info: tf.backend_util.Conv2DInfo, padValue = 0): Tensor4D[] {
  const { top, bottom, left, right } = padForFilterGrad(info);
  const xp = padOrCrop(x, top, bottom, left, right, padValue);
  const out: Tensor4D[] = [];
  const [n, , , c] = xp.shape;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  for (let p = 0; p < info.filterHeight; p++) {
    for (let q = 0; q < info.filterWidth; q++) {
      const r0 = p * info.dilationHeight;
      const c0 = q * info.dilationWidth;
      const hSpan = (info.outHeight - 1) * sh + 1;
      const wSpan = (info.outWidth - 1) * sw + 1;
      if (sh === 1 && sw === 1) {
        out.push(tf.slice(xp, [0, r0, c0, 0], [n, hSpan, wSpan, c]));
      } else {
        out.push(
          tf.stridedSlice(xp, [0, r0, c0, 0], [n, r0 + hSpan, c0 + wSpan, c], [1, sh, sw, 1]) as Tensor4D,
        );
      }
    }
  }
  xp.dispose();
  return out;
}

/**
 * Padding (negative = crop) that makes the input exactly
 * `(k-1)*dilation + (out-1)*stride + 1` long on each spatial axis, starting at the
 * forward top/left padding.
 */
export function padForFilterGrad(info: tf.backend_util.Conv2DInfo): {
  top: number;
  bottom: number;
  left: number;
  right: number;
} {
  const needH = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
  const needW = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  return { top, bottom: needH - info.inHeight - top, left, right: needW - info.inWidth - left };
}

/** `dy` zero-inserted by the stride and cut to `(Ho-1)*s + 1` rows/columns. */
export function stridedSpread(dy: Tensor4D, sh: number, sw: number): Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, ho, wo, c] = dy.shape;
  const z = zeroInsert(dy, sh, sw);
  return tf.slice(z, [0, 0, 0, 0], [n, (ho - 1) * sh + 1, (wo - 1) * sw + 1, c]);
}

/** Rows and columns added (negative: removed) on each side of an NHWC tensor. */
export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Padding of a stride-spread `dy` (`[N, Hz, Wz, C]`) such that a stride-1 'valid' conv
 * with an effective filter size `effK` returns the forward input size.
 */
export function inputGradPadding(dyz: Tensor4D, info: tf.backend_util.Conv2DInfo): Padding {
  const hz = dyz.shape[1];
  const wz = dyz.shape[2];
  const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
  const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
  const bottom = info.inHeight - hz + info.effectiveFilterHeight - 1 - top;
  const right = info.inWidth - wz + info.effectiveFilterWidth - 1 - left;
  return { top, bottom, left, right };
}

type ExplicitPadding = [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * Runs `conv` on `x` padded (or cropped) by `p`: with the padding passed to the conv kernel
 * when nothing is cropped (the kernel reads zeros for it, the same sums without a padded
 * copy of `x`: on wasm one PadV2 kernel less per gradient), else on a padded or cropped
 * copy with 'valid' padding.
 */
export function paddedConv(
  x: Tensor4D,
  p: Padding,
  conv: (x: Tensor4D, pad: 'valid' | ExplicitPadding) => Tensor4D,
): Tensor4D {
  if (p.top >= 0 && p.bottom >= 0 && p.left >= 0 && p.right >= 0) {
    return conv(x, [
      [0, 0],
      [p.top, p.bottom],
      [p.left, p.right],
      [0, 0],
    ]);
  }
  return conv(padOrCrop(x, p.top, p.bottom, p.left, p.right), 'valid');
}
