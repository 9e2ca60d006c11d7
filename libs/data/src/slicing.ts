/**
 * 2D slicing of volumes and padding/cropping of slices.
 *
 * Slice layout: a slice along `axis` has rows along the slower and columns along the
 * faster of the two remaining voxel axes, row-major: axis 2 -> [rows = Y, cols = X],
 * axis 1 -> [Z, X], axis 0 -> [Z, Y]. For a 2D image (Z = 1) along axis 2 the slice is
 * the image itself (height x width).
 */
import { ShapeError, ValidationError } from '../../core/src/index.js';
import type { Axis, Shape3 } from './volume.js';

/** Padding fill: `zero` fills with 0 (after normalisation: the mean), `edge` repeats the border pixel. */
export type PadMode = 'zero' | 'edge';

/** Where an original slice sits inside a padded one: crop rows [top, top+height), cols [left, left+width). */
export interface PadInfo {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** Checks that an axis is 0, 1 or 2. */
export function validateAxis(axis: number): asserts axis is Axis {
  if (axis !== 0 && axis !== 1 && axis !== 2)
    throw new ValidationError(`sliceAxis must be 0, 1 or 2, got ${axis}`);
}

/** Number of slices and their [rows, cols] for a volume shape and axis. */
export function sliceGeometry(shape: Shape3, axis: Axis): { count: number; rows: number; cols: number } {
  const [X, Y, Z] = shape;
  if (axis === 2) return { count: Z, rows: Y, cols: X };
  if (axis === 1) return { count: Y, rows: Z, cols: X };
  return { count: X, rows: Z, cols: Y };
}

/** Voxel index of (row, col) in slice `s` along `axis`. */
function voxelIndex(shape: Shape3, axis: Axis, s: number, r: number, c: number): number {
  const [X, Y] = shape;
  if (axis === 2) return c + X * (r + Y * s);
  if (axis === 1) return c + X * (s + Y * r);
  return s + X * (c + Y * r);
}

/** Extracts slice `s` along `axis` as a row-major [rows, cols] array. */
export function extractSlice<T extends Float32Array | Int32Array>(
  data: ArrayLike<number>,
  shape: Shape3,
  axis: Axis,
  s: number,
  out: T,
): T {
  const { count, rows, cols } = sliceGeometry(shape, axis);
  if (!Number.isInteger(s) || s < 0 || s >= count)
    throw new ValidationError(`slice index ${s} out of range [0, ${count})`);
  if (axis === 2 && (data instanceof Float32Array || data instanceof Int32Array)) {
    // Axial slices are contiguous in X-fastest order (values convert to the output type).
    const start = s * rows * cols;
    out.set(data.subarray(start, start + rows * cols));
    return out;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = data[voxelIndex(shape, axis, s, r, c)] as number;
  }
  return out;
}

/** Writes a [rows, cols] slice back into a volume array at slice `s` along `axis`. */
export function insertSlice(
  slice: ArrayLike<number>,
  data: Float32Array,
  shape: Shape3,
  axis: Axis,
  s: number,
): void {
  const { rows, cols } = sliceGeometry(shape, axis);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[voxelIndex(shape, axis, s, r, c)] = slice[r * cols + c] as number;
  }
}

/** Rounds `n` up to a multiple of `m`. */
export function roundUpTo(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/** Validates a padding multiple (a positive integer; use 2^(depth+1) for a net of that depth). */
export function validatePadMultiple(m: number): void {
  if (!Number.isInteger(m) || m < 1)
    throw new ValidationError(`padMultiple must be a positive integer, got ${m}`);
}

/**
 * Centre placement of a [rows, cols] slice in [outRows, outCols]: the extra rows/cols are
 * split with floor(extra / 2) before and the rest after.
 * @throws ShapeError when the target is smaller than the slice.
 */
export function padInfoFor(rows: number, cols: number, outRows: number, outCols: number): PadInfo {
  if (outRows < rows || outCols < cols) {
    throw new ShapeError(`cannot pad a ${rows}x${cols} slice to a smaller ${outRows}x${outCols}`);
  }
  return {
    top: Math.floor((outRows - rows) / 2),
    left: Math.floor((outCols - cols) / 2),
    height: rows,
    width: cols,
  };
}

/**
 * Pads a row-major [pad.height, pad.width] slice into a new [outRows, outCols] array at the
 * offsets of `pad`. `mode` sets the fill (labels should always use 'zero', i.e. background).
 */
export function padSlice<T extends Float32Array | Int32Array>(
  src: T,
  pad: PadInfo,
  outRows: number,
  outCols: number,
  mode: PadMode = 'zero',
): T {
  const out = new (src.constructor as { new (n: number): T })(outRows * outCols);
  const { top, left, height, width } = pad;
  if (src.length !== height * width) throw new ShapeError(`slice length ${src.length} != ${height}x${width}`);
  if (mode === 'zero') {
    for (let r = 0; r < height; r++) {
      out.set(src.subarray(r * width, (r + 1) * width), (r + top) * outCols + left);
    }
    return out;
  }
  for (let r = 0; r < outRows; r++) {
    const sr = Math.min(height - 1, Math.max(0, r - top));
    for (let c = 0; c < outCols; c++) {
      const sc = Math.min(width - 1, Math.max(0, c - left));
      out[r * outCols + c] = src[sr * width + sc] as number;
    }
  }
  return out;
}

/**
 * Every slice of a (normalised) volume along `axis`, each padded into [outRows, outCols]
 * at the offsets of `pad`, one after another: the planes the network input is made of.
 */
export function paddedSlices(
  data: Float32Array,
  shape: Shape3,
  axis: Axis,
  pad: PadInfo,
  outRows: number,
  outCols: number,
  mode: PadMode,
): Float32Array {
  const g = sliceGeometry(shape, axis);
  const planeSize = outRows * outCols;
  const planes = new Float32Array(g.count * planeSize);
  const tmp = new Float32Array(g.rows * g.cols);
  for (let s = 0; s < g.count; s++) {
    extractSlice(data, shape, axis, s, tmp);
    planes.set(padSlice(tmp, pad, outRows, outCols, mode), s * planeSize);
  }
  return planes;
}

/** Crops the original [pad.height, pad.width] region back out of a padded [rows, cols] slice. */
export function cropSlice<T extends Float32Array | Int32Array | Uint8Array>(
  src: T,
  cols: number,
  pad: PadInfo,
): T {
  const out = new (src.constructor as { new (n: number): T })(pad.height * pad.width);
  for (let r = 0; r < pad.height; r++) {
    const start = (r + pad.top) * cols + pad.left;
    out.set(src.subarray(start, start + pad.width) as unknown as ArrayLike<number>, r * pad.width);
  }
  return out;
}
