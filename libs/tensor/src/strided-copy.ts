/**
 * Copies an N-D box of elements between flat typed arrays described by strides: the one
 * loop behind the wasm layout kernels (slice, concat, split; wasm-kernels.ts).
 * Axes of size 1 are dropped and neighbouring axes that are contiguous in both arrays are
 * merged first, so a slice that keeps whole rows copies whole rows; long contiguous runs
 * go through `TypedArray.set`, short ones through a plain loop. Pure data movement: the
 * values are copied bit for bit. Where a native copier is installed ({@link useNativeCopy}:
 * the BLAS addon's `memcpy` loop), boxes of at least {@link NATIVE_MIN} elements go to it;
 * JavaScript's element loop over short runs (the 16-float channel groups of a cell's
 * concatenation) is 5-10x slower per element.
 */

/** Row-major strides of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1]! * shape[k + 1]!;
  return s;
}

interface Axis {
  size: number;
  src: number;
  dst: number;
}

/** Drops size-1 axes and merges axis k into k+1 where both arrays step through them contiguously. */
function simplify(shape: readonly number[], src: readonly number[], dst: readonly number[]): Axis[] {
  const axes: Axis[] = [];
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] === 1) continue;
    const a = { size: shape[k]!, src: src[k]!, dst: dst[k]! };
    const prev = axes.at(-1);
    if (prev !== undefined && prev.src === a.src * a.size && prev.dst === a.dst * a.size) {
      a.size *= prev.size;
      axes.pop();
    }
    axes.push(a);
  }
  return axes;
}

/** Runs this long or longer are copied with `TypedArray.set`; shorter ones element by element. */
const SET_RUN = 64;

/** Boxes with this many elements or more go to the native copier where one is installed. */
export const NATIVE_MIN = 4096;

/**
 * A native box copy: `plan` is `[srcOffset, dstOffset, (size, srcStride, dstStride) per
 * axis, innermost last]`.
 */
export type NativeCopy = (src: Int32Array, dst: Int32Array, plan: Int32Array) => void;

let native: NativeCopy | undefined;

/** Installs (or, with undefined, removes) the native copier. */
export function useNativeCopy(copy: NativeCopy | undefined): void {
  native = copy;
}

/**
 * Copies the box `shape` from `src` (starting at `srcOffset`, element strides `srcStrides`)
 * to `dst` (starting at `dstOffset`, strides `dstStrides`). Elements are moved as 32-bit
 * words, so float32 and int32 data are copied bit for bit.
 */
export function stridedCopy(
  src: Int32Array,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: Int32Array,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  if (shape.some((n) => n === 0)) return;
  const axes = simplify(shape, srcStrides, dstStrides);
  if (axes.length === 0) {
    dst[dstOffset] = src[srcOffset]!;
    return;
  }
  if (native !== undefined && axes.reduce((n, a) => n * a.size, 1) >= NATIVE_MIN) {
    native(src, dst, Int32Array.from([srcOffset, dstOffset, ...axes.flatMap((a) => [a.size, a.src, a.dst])]));
    return;
  }
  const inner = axes.at(-1)!;
  // Each step of the odometer copies a 2-D block: the innermost axis and the next one out.
  const block = axes.length > 1 ? axes.at(-2)! : { size: 1, src: 0, dst: 0 };
  const outer = axes.slice(0, -2);
  const idx = new Array<number>(outer.length).fill(0);
  let s = srcOffset;
  let d = dstOffset;
  for (;;) {
    copyRows(src, s, dst, d, block, inner);
    // Odometer over the outer axes.
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      const a = outer[k]!;
      s += a.src;
      d += a.dst;
      if (++idx[k]! < a.size) break;
      s -= a.src * a.size;
      d -= a.dst * a.size;
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** `rows.size` runs of `run.size` elements. */
function copyRows(src: Int32Array, s: number, dst: Int32Array, d: number, rows: Axis, run: Axis): void {
  const n = run.size;
  const ss = run.src;
  const ds = run.dst;
  for (let r = 0; r < rows.size; r++) {
    const s0 = s + r * rows.src;
    const d0 = d + r * rows.dst;
    if (ss === 1 && ds === 1) {
      if (n >= SET_RUN) dst.set(src.subarray(s0, s0 + n), d0);
      else for (let i = 0; i < n; i++) dst[d0 + i] = src[s0 + i]!;
    } else {
      for (let i = 0; i < n; i++) dst[d0 + i * ds] = src[s0 + i * ss]!;
    }
  }
}
