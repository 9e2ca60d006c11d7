/**
 * Training-time augmentation of 2D slices (never use it for evaluation or inference).
 */
import { ValidationError } from '../../core/src/index.js';
import type { Rng } from './rng.js';

/** Augmentation settings; every random choice comes from the caller's seeded RNG. */
export interface AugmentOptions {
  /** Left-right flip with probability 0.5 (default true). */
  flipHorizontal?: boolean;
  /** Up-down flip with probability 0.5 (default false). */
  flipVertical?: boolean;
  /** Integer shift in pixels, uniform in [-maxShift, maxShift] per axis, zero fill (default 0 = off). */
  maxShift?: number;
  /**
   * Elastic deformation: a smooth random displacement field (Gaussian control-point offsets
   * with std `alpha` pixels on a `grid` x `grid` lattice, bilinearly interpolated).
   * Images are resampled bilinearly, labels by nearest neighbour. Off when absent.
   */
  elastic?: { alpha: number; grid?: number };
}

/** Checks option ranges, throwing ValidationError naming the field. */
export function validateAugment(o: AugmentOptions): void {
  if (o.maxShift !== undefined && (!Number.isInteger(o.maxShift) || o.maxShift < 0)) {
    throw new ValidationError(`augment.maxShift must be a non-negative integer, got ${o.maxShift}`);
  }
  if (o.elastic) {
    if (!Number.isFinite(o.elastic.alpha) || o.elastic.alpha < 0)
      throw new ValidationError(`augment.elastic.alpha must be >= 0, got ${o.elastic.alpha}`);
    const g = o.elastic.grid ?? 4;
    if (!Number.isInteger(g) || g < 2)
      throw new ValidationError(`augment.elastic.grid must be an integer >= 2, got ${g}`);
  }
}

/**
 * Applies the augmentation to one sample in place-free fashion: returns new arrays.
 * `image` and `label` are row-major [height, width]. The number of RNG draws depends only
 * on the options (not on the data), so batch order and augmentation stay reproducible.
 */
export function augmentSample(
  image: Float32Array,
  label: Int32Array | undefined,
  height: number,
  width: number,
  options: AugmentOptions,
  rng: Rng,
): { image: Float32Array; label?: Int32Array } {
  let img = image;
  let lab = label;
  const fh = (options.flipHorizontal ?? true) && rng.next() < 0.5;
  const fv = (options.flipVertical ?? false) && rng.next() < 0.5;
  if (fh || fv) {
    img = flip(img, height, width, fh, fv);
    if (lab) lab = flip(lab, height, width, fh, fv);
  }
  const ms = options.maxShift ?? 0;
  if (ms > 0) {
    const dy = rng.int(-ms, ms);
    const dx = rng.int(-ms, ms);
    if (dx !== 0 || dy !== 0) {
      img = shift(img, height, width, dy, dx);
      if (lab) lab = shift(lab, height, width, dy, dx);
    }
  }
  if (options.elastic && options.elastic.alpha > 0) {
    const { fy, fx } = displacementField(
      height,
      width,
      options.elastic.alpha,
      options.elastic.grid ?? 4,
      rng,
    );
    img = warpBilinear(img, height, width, fy, fx);
    if (lab) lab = warpNearest(lab, height, width, fy, fx);
  }
  return lab ? { image: img, label: lab } : { image: img };
}

/** Flips a row-major [h, w] array left-right (`horizontal`) and/or up-down (`vertical`). */
export function flip<T extends Float32Array | Int32Array>(
  src: T,
  h: number,
  w: number,
  horizontal: boolean,
  vertical: boolean,
): T {
  const out = new (src.constructor as { new (n: number): T })(src.length);
  for (let r = 0; r < h; r++) {
    const sr = vertical ? h - 1 - r : r;
    for (let c = 0; c < w; c++) out[r * w + c] = src[sr * w + (horizontal ? w - 1 - c : c)] as number;
  }
  return out;
}

/** Moves content by (dy, dx) pixels (positive = down/right), filling uncovered pixels with 0. */
export function shift<T extends Float32Array | Int32Array>(
  src: T,
  h: number,
  w: number,
  dy: number,
  dx: number,
): T {
  const out = new (src.constructor as { new (n: number): T })(src.length);
  for (let r = 0; r < h; r++) {
    const sr = r - dy;
    if (sr < 0 || sr >= h) continue;
    for (let c = 0; c < w; c++) {
      const sc = c - dx;
      if (sc >= 0 && sc < w) out[r * w + c] = src[sr * w + sc] as number;
    }
  }
  return out;
}

function displacementField(
  h: number,
  w: number,
  alpha: number,
  grid: number,
  rng: Rng,
): { fy: Float32Array; fx: Float32Array } {
  const gy = new Float32Array(grid * grid);
  const gx = new Float32Array(grid * grid);
  for (let i = 0; i < grid * grid; i++) {
    gy[i] = alpha * rng.normal();
    gx[i] = alpha * rng.normal();
  }
  const fy = new Float32Array(h * w);
  const fx = new Float32Array(h * w);
  for (let r = 0; r < h; r++) {
    const u = h > 1 ? (r / (h - 1)) * (grid - 1) : 0;
    const r0 = Math.min(grid - 2, Math.floor(u));
    const tu = u - r0;
    for (let c = 0; c < w; c++) {
      const v = w > 1 ? (c / (w - 1)) * (grid - 1) : 0;
      const c0 = Math.min(grid - 2, Math.floor(v));
      const tv = v - c0;
      const at = (g: Float32Array, rr: number, cc: number): number => g[rr * grid + cc] as number;
      const bil = (g: Float32Array): number =>
        (1 - tu) * ((1 - tv) * at(g, r0, c0) + tv * at(g, r0, c0 + 1)) +
        tu * ((1 - tv) * at(g, r0 + 1, c0) + tv * at(g, r0 + 1, c0 + 1));
      fy[r * w + c] = bil(gy);
      fx[r * w + c] = bil(gx);
    }
  }
  return { fy, fx };
}

function warpBilinear(
  src: Float32Array,
  h: number,
  w: number,
  fy: Float32Array,
  fx: Float32Array,
): Float32Array {
  const out = new Float32Array(src.length);
  const px = (r: number, c: number): number =>
    r >= 0 && r < h && c >= 0 && c < w ? (src[r * w + c] as number) : 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const y = r + (fy[i] as number);
      const x = c + (fx[i] as number);
      const y0 = Math.floor(y);
      const x0 = Math.floor(x);
      const ty = y - y0;
      const tx = x - x0;
      out[i] =
        (1 - ty) * ((1 - tx) * px(y0, x0) + tx * px(y0, x0 + 1)) +
        ty * ((1 - tx) * px(y0 + 1, x0) + tx * px(y0 + 1, x0 + 1));
    }
  }
  return out;
}

function warpNearest(src: Int32Array, h: number, w: number, fy: Float32Array, fx: Float32Array): Int32Array {
  const out = new Int32Array(src.length);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const y = Math.round(r + (fy[i] as number));
      const x = Math.round(c + (fx[i] as number));
      out[i] = y >= 0 && y < h && x >= 0 && x < w ? (src[y * w + x] as number) : 0;
    }
  }
  return out;
}
