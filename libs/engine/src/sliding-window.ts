/**
 * Sliding-window inference, as nnU-Net and MONAI do it: an image of any size at least as
 * large as the network's input window is covered by windows of exactly that size, placed
 * with a configured overlap (the last window of a row or column flush with the image
 * edge); each window's class probabilities are weighted by a Gaussian centred on the
 * window, summed, and divided by the summed weights. Where one window covers the whole
 * image the result is exactly the whole-image prediction.
 *
 * Images are `H * W * C` float32 in HWC order; probabilities `H * W * K`.
 */
import { ShapeError, ValidationError } from '../../core/src/errors.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { argmaxClasses, runForwardSteps, type ForwardSteps } from './forward.js';

/** Options of {@link slidingWindowProbabilities}. */
export interface WindowOptions {
  /** Window height and width: the input size the network was trained on. */
  window: [number, number];
  /** Fraction of a window shared with its neighbour, in [0, 1) [0.5]. */
  overlap?: number;
  /** Gaussian sigma as a fraction of the window side [1/8, as nnU-Net]. */
  sigmaScale?: number;
  /** Windows per forward pass [4]. */
  batchSize?: number;
}

/** Start offsets of windows of `win` along a side of `size` (>= win), the last flush with the end. */
export function windowStarts(size: number, win: number, overlap: number): number[] {
  if (win > size) throw new ShapeError(`window ${win} is larger than the image side ${size}`);
  const stride = Math.max(1, Math.floor(win * (1 - overlap)));
  const n = Math.ceil((size - win) / stride) + 1;
  if (n === 1) return [0];
  // Spread the windows evenly so the first starts at 0 and the last ends at `size`.
  const step = (size - win) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * step));
}

/** Gaussian importance map `[h, w]` (row-major), peak 1 at the centre, never 0. */
export function gaussianWeights(h: number, w: number, sigmaScale = 1 / 8): Float32Array {
  const out = new Float32Array(h * w);
  const sy = Math.max(h * sigmaScale, 1e-6);
  const sx = Math.max(w * sigmaScale, 1e-6);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  let min = Infinity;
  for (let y = 0; y < h; y++) {
    const gy = Math.exp(-((y - cy) ** 2) / (2 * sy * sy));
    for (let x = 0; x < w; x++) {
      const v = gy * Math.exp(-((x - cx) ** 2) / (2 * sx * sx));
      out[y * w + x] = v;
      if (v > 0) min = Math.min(min, v);
    }
  }
  // Far corners underflow for large windows; keep every weight positive so sums divide.
  for (let i = 0; i < out.length; i++) if (!((out[i] as number) > 0)) out[i] = min;
  return out;
}

function checkOptions(o: WindowOptions): Required<WindowOptions> {
  const overlap = o.overlap ?? 0.5;
  if (!(overlap >= 0 && overlap < 1)) throw new ValidationError(`overlap must be in [0, 1), got ${overlap}`);
  const [wh, ww] = o.window;
  if (!Number.isInteger(wh) || !Number.isInteger(ww) || wh < 1 || ww < 1) {
    throw new ValidationError(`window must be two positive integers, got [${o.window}]`);
  }
  const batchSize = o.batchSize ?? 4;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValidationError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  return { window: [wh, ww], overlap, sigmaScale: o.sigmaScale ?? 1 / 8, batchSize };
}

/**
 * Class probabilities `[h, w, K]` of one image `[h, w, c]` (h, w at least the window), by
 * Gaussian-weighted sliding windows; see the module doc. Yields the batches of windows
 * (see forward.ts).
 */
export function* slidingWindowSteps(
  image: Float32Array,
  h: number,
  w: number,
  c: number,
  options: WindowOptions,
): ForwardSteps<{ probs: Float32Array; nClasses: number }> {
  const o = checkOptions(options);
  const [wh, ww] = o.window;
  if (image.length !== h * w * c)
    throw new ShapeError(`image has ${image.length} values, expected ${h}x${w}x${c}`);
  const ys = windowStarts(h, wh, o.overlap);
  const xs = windowStarts(w, ww, o.overlap);
  const origins = ys.flatMap((y) => xs.map((x) => [y, x] as const));
  const gauss =
    origins.length === 1 ? new Float32Array(wh * ww).fill(1) : gaussianWeights(wh, ww, o.sigmaScale);
  let probs: Float32Array | null = null;
  let k = 0;
  const weight = new Float32Array(h * w);
  for (let b = 0; b < origins.length; b += o.batchSize) {
    const group = origins.slice(b, b + o.batchSize);
    const batch = new Float32Array(group.length * wh * ww * c);
    group.forEach(([y0, x0], i) => {
      for (let y = 0; y < wh; y++) {
        const src = ((y0 + y) * w + x0) * c;
        batch.set(image.subarray(src, src + ww * c), (i * wh + y) * ww * c);
      }
    });
    const p = yield { x: batch, shape: [group.length, wh, ww, c] };
    k = p.length / (group.length * wh * ww);
    probs ??= new Float32Array(h * w * k);
    group.forEach(([y0, x0], i) => {
      for (let y = 0; y < wh; y++) {
        for (let x = 0; x < ww; x++) {
          const g = gauss[y * ww + x] as number;
          const dst = (y0 + y) * w + x0 + x;
          weight[dst] = (weight[dst] as number) + g;
          const src = ((i * wh + y) * ww + x) * k;
          for (let j = 0; j < k; j++)
            probs![dst * k + j] = (probs![dst * k + j] as number) + g * (p[src + j] as number);
        }
      }
    });
  }
  const result = probs as Float32Array;
  for (let i = 0; i < h * w; i++) {
    const wt = weight[i] as number;
    for (let j = 0; j < k; j++) result[i * k + j] = (result[i * k + j] as number) / wt;
  }
  return { probs: result, nClasses: k };
}

/** {@link slidingWindowSteps} with `net`'s forward passes. */
export function slidingWindowProbabilities(
  net: SegmentationNet,
  image: Float32Array,
  h: number,
  w: number,
  c: number,
  options: WindowOptions,
): { probs: Float32Array; nClasses: number } {
  return runForwardSteps(slidingWindowSteps(image, h, w, c, options), net);
}

/** Class index per pixel (argmax of {@link slidingWindowSteps}; ties go to the lower class). */
export function* slidingWindowClassMapSteps(
  image: Float32Array,
  h: number,
  w: number,
  c: number,
  options: WindowOptions,
): ForwardSteps<Uint8Array> {
  const { probs, nClasses } = yield* slidingWindowSteps(image, h, w, c, options);
  return argmaxClasses(probs, nClasses);
}

/** {@link slidingWindowClassMapSteps} with `net`'s forward passes. */
export function slidingWindowClassMap(
  net: SegmentationNet,
  image: Float32Array,
  h: number,
  w: number,
  c: number,
  options: WindowOptions,
): Uint8Array {
  return runForwardSteps(slidingWindowClassMapSteps(image, h, w, c, options), net);
}
