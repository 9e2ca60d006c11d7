/**
 * Max-pool gradient (NHWC) written with elementwise kernels: each input element gets the
 * `dy` of every window whose maximum it is, counting only the FIRST maximal element of a
 * window in row-major order (TensorFlow's and tfjs-cpu's rule for ties).
 */
import { tf, type Tensor4D } from './tf.js';
import { padOrCrop } from './geometry.js';
import { padForFilterGrad, shiftedViews, stridedSpread, type ConvPadding, type RoundingMode } from './conv-grads.js';
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
