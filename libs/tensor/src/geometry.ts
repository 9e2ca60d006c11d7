/**
 * Shape helpers shared by the gradient compositions: padding/cropping NHWC tensors and
 * zero-insertion by an arbitrary factor. Every helper is built from ops that all
 * backends implement (pad, slice, concat, reshape), never from 6-D pads (webgpu lacks them).
 */
import { tf, type Tensor4D } from './tf.js';

/** A stride, dilation or window size given as one number or as `[height, width]`. */
export type Pair = number | readonly [number, number] | readonly number[];

/** Expands a {@link Pair} to `[height, width]`. */
export function pair(v: Pair): [number, number] {
  if (typeof v === 'number') return [v, v];
  const h = v[0] ?? 1;
  return [h, v[1] ?? h];
}

/**
 * Pads (positive amounts, with `value`) or crops (negative amounts) the H and W axes of an
 * NHWC tensor. `padOrCrop(x, 1, -2, 0, 0)` adds one row on top and removes the last two rows.
 */
export function padOrCrop(
  x: Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
  value = 0,
): Tensor4D {
  let y = x;
  const cropTop = Math.max(0, -top);
  const cropBottom = Math.max(0, -bottom);
  const cropLeft = Math.max(0, -left);
  const cropRight = Math.max(0, -right);
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    const [n, h, w, c] = y.shape;
    y = tf.slice(y, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  }
  const padTop = Math.max(0, top);
  const padBottom = Math.max(0, bottom);
  const padLeft = Math.max(0, left);
  const padRight = Math.max(0, right);
  if (padTop + padBottom + padLeft + padRight > 0) {
    y = tf.pad(
      y,
      [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ],
      value,
    );
  }
  return y === x ? tf.clone(x) : y;
}

/**
 * Zero insertion by `[sh, sw]`: `[N, H, W, C] -> [N, H*sh, W*sw, C]`, input element (i, j)
 * lands at (i*sh, j*sw), everything else is 0. Built from 4-D reshape and concat only
 * (5-D slices are slow on wasm; 6-D pads fail on webgpu), so it is fast on every backend.
 * Its gradient is {@link takeEvery} of `dy`: one slice of the input's size, where the
 * gradient of the concats would split (copy) the whole upsampled tensor twice and throw
 * the zeros' part away.
 */
export function zeroInsert(x: Tensor4D, sh: number, sw: number): Tensor4D {
  if (sh === 1 && sw === 1) return tf.clone(x);
  const insert = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: zeroInsertForward(args[0] as Tensor4D, sh, sw),
    gradFunc: (dy: tf.Tensor) => takeEvery(dy as Tensor4D, sh, sw),
  }));
  return insert(x) as Tensor4D;
}

function zeroInsertForward(x: Tensor4D, sh: number, sw: number): Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    let y: Tensor4D = x;
    if (sw > 1) {
      const cols = tf.reshape(y, [n * h, w, 1, c]);
      const z = tf.zeros([n * h, w, sw - 1, c]);
      y = tf.reshape(tf.concat([cols, z], 2), [n, h, w * sw, c]);
    }
    if (sh > 1) {
      const ww = y.shape[2];
      const rows = tf.reshape(y, [n, h, 1, ww * c]);
      const z = tf.zeros([n, h, sh - 1, ww * c]);
      y = tf.reshape(tf.concat([rows, z], 2), [n, h * sh, ww, c]);
    }
    return y;
  });
}

/**
 * Rows 0, sh, 2sh, ... and columns 0, sw, 2sw, ... of `[N, H*sh, W*sw, C]`, giving
 * `[N, H, W, C]` (the inverse of {@link zeroInsert}); H*sh and W*sw must be the input's
 * sizes. One 4-D reshape and one slice, differentiable on every backend.
 */
export function takeEvery(x: Tensor4D, sh: number, sw: number): Tensor4D {
  return tf.tidy(() => {
    const [n, hs, ws, c] = x.shape;
    const h = hs / sh;
    const w = ws / sw;
    // Rows of the view are (image, output row), then the sh input rows it spans, then
    // output columns, then the sw input columns times channels.
    const view = tf.reshape(x, [n * h, sh, w, sw * c]);
    return tf.reshape(tf.slice(view, [0, 0, 0, 0], [n * h, 1, w, c]), [n, h, w, c]) as Tensor4D;
  });
}
