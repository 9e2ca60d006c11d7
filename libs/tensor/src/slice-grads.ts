/**
 * Gradient of `tf.stridedSlice` (tfjs registers none): `dy` is scattered back to the
 * positions the slice read, zeros elsewhere. Supports begin/end masks and any strides
 * (negative too); ellipsis, new-axis and shrink-axis masks are refused with a clear error.
 */
import { ValidationError } from '../../core/src/errors.js';
import { tf, type Tensor } from './tf.js';

/** Attributes of the StridedSlice kernel. */
export interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** tfjs's slice geometry (begin, final shapes) of a StridedSlice of a tensor of shape `xShape`. */
export function stridedSliceInfo(
  xShape: readonly number[],
  a: StridedSliceAttrs,
): ReturnType<typeof tf.slice_util.sliceInfo> {
  return tf.slice_util.sliceInfo(
    [...xShape],
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
}

/** Gradient of `stridedSlice(x, ...)` w.r.t. `x`, shape `xShape`. */
export function stridedSliceGrad(dy: Tensor, xShape: readonly number[], a: StridedSliceAttrs): Tensor {
  if ((a.ellipsisMask | a.newAxisMask | a.shrinkAxisMask) !== 0) {
    throw new ValidationError(
      'stridedSlice gradient: ellipsisMask, newAxisMask and shrinkAxisMask are not supported ' +
        '(use tf.slice / tf.reshape, or a stridedSlice without those masks)',
    );
  }
  return tf.tidy(() => {
    const info = stridedSliceInfo(xShape, a);
    const shape = info.finalShapeSparse;
    const rank = xShape.length;
    const n = shape.reduce((p, q) => p * q, 1);
    if (n === 0) return tf.zeros([...xShape]);
    const indices = new Int32Array(n * rank);
    const m = new Array<number>(rank).fill(0);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < rank; d++) indices[i * rank + d] = info.begin[d]! + m[d]! * info.strides[d]!;
      for (let d = rank - 1; d >= 0; d--) {
        m[d]! += 1;
        if (m[d]! < shape[d]!) break;
        m[d] = 0;
      }
    }
    return tf.scatterND(tf.tensor2d(indices, [n, rank], 'int32'), tf.reshape(dy, [n]), [...xShape]);
  });
}
