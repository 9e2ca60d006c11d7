/**
 * Gradients of depthwise 2-D convolution (NHWC input `[N, H, W, C]`, filter
 * `[kh, kw, C, m]`, output `[N, Ho, Wo, C*m]`, output channel `c*m + k`) written with
 * kernels every backend has. Any stride and dilation tfjs accepts forward.
 */
import { tf, type Tensor4D } from './tf.js';
import {
  convInfo,
  inputGradPadding,
  paddedConv,
  shiftedViews,
  stridedSpread,
  type ConvGeometry,
} from './conv-grads.js';

/**
 * Input gradient: `dy` spread by the stride, padded, then a stride-1 depthwise conv with
 * the flipped filter seen as `[kh, kw, C*m, 1]`; the `m` multiplier outputs of each input
 * channel are summed.
 */
export function depthwiseInputGradComposed(
  dy: Tensor4D,
  filter: Tensor4D,
  xShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(xShape, filter.shape, g, true);
    const [kh, kw, c, m] = filter.shape;
    const dyz = stridedSpread(dy, info.strideHeight, info.strideWidth);
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as Tensor4D;
    const dilations: [number, number] = [info.dilationHeight, info.dilationWidth];
    const z = paddedConv(dyz, inputGradPadding(dyz, info), (x, pad) =>
      tf.depthwiseConv2d(x, flipped, 1, pad, 'NHWC', dilations),
    );
    if (m === 1) return z;
    const [n, h, w] = z.shape;
    return tf.sum(tf.reshape(z, [n, h, w, c, m]), 4) as Tensor4D;
  });
}

/**
 * Filter gradient: for each filter tap (p, q) the strided, dilated view of the padded
 * input times `dy`, summed over batch and space.
 */
export function depthwiseFilterGradComposed(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, g, true);
    const [kh, kw, c, m] = filterShape as [number, number, number, number];
    const [n, ho, wo] = dy.shape;
    const dy5 = m === 1 ? dy : tf.reshape(dy, [n, ho, wo, c, m]);
    const taps = shiftedViews(x, info).map((v) => {
      const v5 = m === 1 ? v : tf.reshape(v, [n, ho, wo, c, 1]);
      return tf.sum(tf.mul(v5, dy5), [0, 1, 2]);
    });
    return tf.reshape(tf.stack(taps, 0), [kh, kw, c, m]) as Tensor4D;
  });
}
