/**
 * Max-pool gradient (NHWC) written with elementwise kernels: each input element gets the
 * `dy` of every window whose maximum it is, counting only the FIRST maximal element of a
 * window in row-major order (TensorFlow's and tfjs-cpu's rule for ties).
 */
import { tf, type Tensor4D } from './tf.js';
import { padOrCrop } from './geometry.js';
import {
  padForFilterGrad,
  shiftedViews,
  stridedSpread,
  type ConvPadding,
  type RoundingMode,
} from './conv-grads.js';
import { pair, type Pair } from './geometry.js';

/** Geometry of one forward max pool. */
export interface PoolGeometry {
  filterSize: Pair;
  strides: Pair;
  pad: ConvPadding;
  dimRoundingMode?: RoundingMode;
}

/**
 * @param dy `[N, Ho, Wo, C]` gradient of the pooled output
 * @param x `[N, H, W, C]` forward input
 * @param y `[N, Ho, Wo, C]` forward output
 * @returns `[N, H, W, C]`
 */
export function maxPoolGradComposed(dy: Tensor4D, x: Tensor4D, y: Tensor4D, g: PoolGeometry): Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computePool2DInfo(
      x.shape,
      pair(g.filterSize),
      pair(g.strides),
      1,
      g.pad as Parameters<typeof tf.backend_util.computePool2DInfo>[4],
      g.dimRoundingMode,
      'channelsLast',
    );
    if (
      info.filterHeight === info.strideHeight &&
      info.filterWidth === info.strideWidth &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      info.outHeight * info.strideHeight <= info.inHeight &&
      info.outWidth * info.strideWidth <= info.inWidth
    ) {
      return disjointWindowsGrad(dy, x, y, info);
    }
    const views = shiftedViews(x, info, -Infinity);
    const { top, bottom, left, right } = padForFilterGrad(info);
    const hp = info.inHeight + top + bottom;
    const wp = info.inWidth + left + right;
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const hz = (info.outHeight - 1) * sh + 1;
    const wz = (info.outWidth - 1) * sw + 1;
    let taken: Tensor4D = tf.zerosLike(y);
    const parts: Tensor4D[] = [];
    views.forEach((v, k) => {
      const p = Math.floor(k / info.filterWidth);
      const q = k % info.filterWidth;
      const hit = tf.mul(tf.cast(tf.equal(v, y), 'float32'), tf.sub(1, taken)) as Tensor4D;
      taken = tf.add(taken, hit);
      const spread = stridedSpread(tf.mul(hit, dy) as Tensor4D, sh, sw);
      parts.push(padOrCrop(spread, p, hp - p - hz, q, wp - q - wz));
    });
    const sum = parts.length === 1 ? parts[0]! : (tf.addN(parts) as Tensor4D);
    return padOrCrop(sum, -top, -bottom, -left, -right);
  });
}

/**
 * Fast path for windows that tile the input without overlap or padding (e.g. 2x2 stride 2):
 * views and the scattered result are plain reshapes of `[N*Ho, kh, Wo, kw*C]`.
 */
function disjointWindowsGrad(
  dy: Tensor4D,
  x: Tensor4D,
  y: Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): Tensor4D {
  // Only 4-D tensors: 5-D slices take a slow generic path on wasm (~100x slower).
  const [n, h, w, c] = x.shape;
  const ho = info.outHeight;
  const wo = info.outWidth;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const used = ho * kh === h && wo * kw === w ? x : tf.slice(x, [0, 0, 0, 0], [n, ho * kh, wo * kw, c]);
  const xw = tf.reshape(used, [n * ho, kh, wo, kw * c]);
  const yw = tf.reshape(y, [n * ho, 1, wo, c]);
  const dyw = tf.reshape(dy, [n * ho, 1, wo, c]);
  let taken = tf.zerosLike(yw);
  const rows: tf.Tensor[] = [];
  for (let p = 0; p < kh; p++) {
    const cols: tf.Tensor[] = [];
    for (let q = 0; q < kw; q++) {
      const v = tf.slice(xw, [0, p, 0, q * c], [n * ho, 1, wo, c]);
      const hit = tf.mul(tf.cast(tf.equal(v, yw), 'float32'), tf.sub(1, taken));
      taken = tf.add(taken, hit);
      cols.push(tf.mul(hit, dyw));
    }
    rows.push(cols.length === 1 ? cols[0]! : tf.concat(cols, 3));
  }
  const grad = tf.reshape(rows.length === 1 ? rows[0]! : tf.concat(rows, 1), [
    n,
    ho * kh,
    wo * kw,
    c,
  ]) as Tensor4D;
  return padOrCrop(grad, 0, h - ho * kh, 0, w - wo * kw);
}

/**
 * Average-pool gradient (NHWC) for pooling whose windows overlap the padding: tfjs's
 * forward divides by the number of valid (non-padding) elements, but its AvgPoolGrad
 * kernels divide by the full window size, which is wrong at the borders. Each output's
 * `dy / validCount` is spread back over its window.
 *
 * @param dy `[N, Ho, Wo, C]`
 * @param xShape forward input shape `[N, H, W, C]`
 */
export function avgPoolGradComposed(dy: Tensor4D, xShape: readonly number[], g: PoolGeometry): Tensor4D {
  return tf.tidy(() => {
    const info = poolInfo(xShape, g);
    const { top, bottom, left, right } = padForFilterGrad(info);
    const rows = validCounts(
      info.outHeight,
      info.strideHeight,
      info.padInfo.top,
      info.filterHeight,
      info.inHeight,
    );
    const cols = validCounts(
      info.outWidth,
      info.strideWidth,
      info.padInfo.left,
      info.filterWidth,
      info.inWidth,
    );
    const counts = new Float32Array(info.outHeight * info.outWidth);
    rows.forEach((r, i) => cols.forEach((c, j) => (counts[i * info.outWidth + j] = r * c)));
    const share = tf.div(dy, tf.tensor4d(counts, [1, info.outHeight, info.outWidth, 1])) as Tensor4D;
    const hp = info.inHeight + top + bottom;
    const wp = info.inWidth + left + right;
    const hz = (info.outHeight - 1) * info.strideHeight + 1;
    const wz = (info.outWidth - 1) * info.strideWidth + 1;
    const spread = stridedSpread(share, info.strideHeight, info.strideWidth);
    const parts: Tensor4D[] = [];
    for (let p = 0; p < info.filterHeight; p++) {
      for (let q = 0; q < info.filterWidth; q++)
        parts.push(padOrCrop(spread, p, hp - p - hz, q, wp - q - wz));
    }
    const sum = parts.length === 1 ? parts[0]! : (tf.addN(parts) as Tensor4D);
    return padOrCrop(sum, -top, -bottom, -left, -right);
  });
}

/** Number of in-bounds positions of each window along one axis. */
function validCounts(out: number, stride: number, padBefore: number, k: number, size: number): number[] {
  return Array.from({ length: out }, (_, i) => {
    const start = i * stride - padBefore;
    return Math.min(start + k, size) - Math.max(start, 0);
  });
}

/** tfjs's description of a 2-D pooling (output size, resolved padding). */
export function poolInfo(xShape: readonly number[], g: PoolGeometry): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    pair(g.filterSize),
    pair(g.strides),
    1,
    g.pad as Parameters<typeof tf.backend_util.computePool2DInfo>[4],
    g.dimRoundingMode,
    'channelsLast',
  );
}
