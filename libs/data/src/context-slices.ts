/**
 * 2.5D input: each slice of a volume together with its neighbours along the slicing axis,
 * as the channels of one network input. A 2D network then sees some of the third
 * dimension at the cost of a wider first convolution; at the volume's ends the nearest
 * slice repeats.
 */
import { ShapeError, ValidationError } from '../../core/src/index.js';

/** Most neighbours on each side a model may take (11 input channels). */
export const MAX_CONTEXT_SLICES = 5;

/** Input channels of a network that sees `contextSlices` neighbours on each side. */
export function contextChannels(contextSlices: number): number {
  return 2 * contextSlices + 1;
}

/** Checks a neighbour count: an integer in [0, MAX_CONTEXT_SLICES]. */
export function validateContextSlices(k: number): void {
  if (!Number.isInteger(k) || k < 0 || k > MAX_CONTEXT_SLICES)
    throw new ValidationError(`contextSlices must be an integer in [0, ${MAX_CONTEXT_SLICES}], got ${k}`);
}

/**
 * Stacks each of `count` planes of `planeSize` values (`planes`, one after another) with
 * its `k` neighbours on either side, interleaved as channels: the result holds, for plane
 * s, `planeSize` pixels of `2k + 1` values each (planes s-k .. s+k, indices clamped to
 * [0, count)), i.e. `[count, H, W, 2k + 1]` for H x W planes. With k = 0 it returns
 * `planes` itself.
 */
export function stackContext(
  planes: Float32Array,
  count: number,
  planeSize: number,
  k: number,
): Float32Array {
  validateContextSlices(k);
  if (planes.length !== count * planeSize)
    throw new ShapeError(`${planes.length} values are not ${count} planes of ${planeSize}`);
  if (k === 0) return planes;
  const c = contextChannels(k);
  const out = new Float32Array(planes.length * c);
  for (let s = 0; s < count; s++) {
    const base = s * planeSize * c;
    for (let j = 0; j < c; j++) {
      const src = Math.min(count - 1, Math.max(0, s + j - k)) * planeSize;
      for (let i = 0; i < planeSize; i++) out[base + i * c + j] = planes[src + i] as number;
    }
  }
  return out;
}
