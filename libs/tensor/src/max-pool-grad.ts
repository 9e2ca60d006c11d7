/**
 * Max-pool gradient (NHWC) as one loop over flat arrays: each window's `dy` goes to the
 * FIRST element of the window, in row-major order, that equals the window's maximum
 * (TensorFlow's and tfjs-cpu's rule for ties). Padding positions never receive any.
 * The wasm backend runs it on its heap in place of its own MaxPoolGrad (wasm-kernels.ts),
 * one pass over the windows instead of the dozen kernels per tap of the composition in
 * pool-grads.ts. Where a native loop is installed ({@link useNativeMaxPoolGrad}: the BLAS
 * addon's, the same rule in C, about 5x faster) it runs that one.
 */
import type { tf } from './tf.js';

/**
 * A native max-pool gradient: writes (not adds) every window's `dy` into `dx`; false where
 * it does not take the geometry.
 */
export type NativeMaxPoolGrad = (
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
) => boolean;

let native: NativeMaxPoolGrad | undefined;

/** Installs (or, with undefined, removes) the native loop {@link maxPoolGradInto} prefers. */
export function useNativeMaxPoolGrad(fn: NativeMaxPoolGrad | undefined): void {
  native = fn;
}

/** The first tap of a window starting at `origin` that falls at or after 0. */
function firstTap(origin: number, dilation: number): number {
  return origin >= 0 ? 0 : Math.ceil(-origin / dilation);
}

/** One past the last tap (of `taps`) of a window starting at `origin` that falls before `size`. */
function endTap(origin: number, taps: number, dilation: number, size: number): number {
  return Math.min(taps, Math.ceil((size - origin) / dilation));
}

/**
 * Writes the max-pool gradient into `dx` (every element: zero where no window's maximum
 * lies), through the native loop where one is installed.
 * @param x `[N, H, W, C]` forward input
 * @param y `[N, Ho, Wo, C]` forward output (the window maxima of `x`)
 * @param dy `[N, Ho, Wo, C]` gradient of the output
 * @param dx `[N, H, W, C]` gradient of the input, overwritten
 */
export function maxPoolGradInto(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  if (native?.(x, y, dy, dx, info)) return;
  dx.fill(0);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const rowStep = dh * w * c;
  const tapStep = dw * c;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      const y0 = oy * sh - info.padInfo.top;
      const pLo = firstTap(y0, dh);
      const pHi = endTap(y0, fh, dh, h);
      for (let ox = 0; ox < wo; ox++) {
        const x0 = ox * sw - info.padInfo.left;
        const qLo = firstTap(x0, dw);
        const qHi = endTap(x0, fw, dw, w);
        const out = ((b * ho + oy) * wo + ox) * c;
        const origin = ((b * h + y0) * w + x0) * c;
        for (let k = 0; k < c; k++) {
          const max = y[out + k];
          search: for (let p = pLo; p < pHi; p++) {
            for (let q = qLo, at = origin + p * rowStep + q * tapStep + k; q < qHi; q++, at += tapStep) {
              if (x[at] === max) {
                dx[at]! += dy[out + k]!;
                break search;
              }
            }
          }
        }
      }
    }
  }
}
