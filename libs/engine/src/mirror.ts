/**
 * Test-time mirroring: every forward pass a segmentation needs is answered with the mean
 * of the class probabilities of the image and of its mirrored copies (each mirrored back),
 * along the axes the network was trained to see mirrored. One request per copy, so a pass
 * never holds more than the batch it was asked for.
 */
import type { AugmentOptions } from '../../data/src/augment.js';
import type { MirrorAxis } from '../../nas/src/model-bundle.js';
import type { ForwardRequest, ForwardSteps } from './forward.js';

/** The axes a training with augmentation `augment` mirrored its images along. */
export function trainedMirrorAxes(augment: AugmentOptions | false): MirrorAxis[] {
  if (augment === false) return [];
  return [
    ...((augment.flipHorizontal ?? true) ? (['width'] as const) : []),
    ...(augment.flipVertical ? (['height'] as const) : []),
  ];
}

/** `[n, h, w, c]` (flat, NHWC) mirrored along `axes` (a new array). */
export function mirrorNhwc(
  x: Float32Array,
  [n, h, w, c]: readonly [number, number, number, number],
  axes: readonly MirrorAxis[],
): Float32Array {
  const fw = axes.includes('width');
  const fh = axes.includes('height');
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < h; r++) {
      const sr = fh ? h - 1 - r : r;
      for (let q = 0; q < w; q++) {
        const src = ((b * h + sr) * w + (fw ? w - 1 - q : q)) * c;
        out.set(x.subarray(src, src + c), ((b * h + r) * w + q) * c);
      }
    }
  }
  return out;
}

/** Every subset of `axes` but the empty one: the mirrored copies a request is answered with. */
function mirrorSets(axes: readonly MirrorAxis[]): MirrorAxis[][] {
  const sets: MirrorAxis[][] = [];
  for (let m = 1; m < 1 << axes.length; m++) sets.push(axes.filter((_, i) => (m >> i) & 1));
  return sets;
}

/**
 * The mean of `first` (the answer for `req` itself) and the answers for `req`'s `copies`,
 * each mirrored back: one forward request per copy.
 */
function* meanOverCopies(
  req: ForwardRequest,
  first: Float32Array,
  copies: readonly MirrorAxis[][],
): Generator<ForwardRequest, Float32Array, Float32Array> {
  const sum = Float32Array.from(first);
  const [n, h, w] = req.shape;
  const k = sum.length / (n * h * w);
  for (const set of copies) {
    const p = yield { x: mirrorNhwc(req.x, req.shape, set), shape: req.shape };
    const back = mirrorNhwc(p, [n, h, w, k], set);
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (back[i] as number);
  }
  const scale = 1 / (copies.length + 1);
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) * scale;
  return sum;
}

/**
 * `steps` with each forward request answered by the mean probabilities of the image and its
 * copies mirrored along every non-empty subset of `axes` (2^axes passes per request);
 * `steps` itself when `axes` is empty.
 */
export function* mirroredSteps<T>(steps: ForwardSteps<T>, axes: readonly MirrorAxis[]): ForwardSteps<T> {
  if (axes.length === 0) return yield* steps;
  const copies = mirrorSets(axes);
  let r = steps.next();
  while (!r.done) {
    const req: ForwardRequest = r.value;
    r = steps.next(yield* meanOverCopies(req, yield req, copies));
  }
  return r.value;
}

/**
 * Two runs of the same steps at once, `plain` answered as it is and `mirrored` as
 * {@link mirroredSteps} would answer it, sharing the pass over each image itself: 2^axes
 * passes per request for both results instead of 2^axes + 1. Both must make the same
 * requests in the same order (two copies of one segmentation).
 */
export function* plainAndMirroredSteps<T>(
  plain: ForwardSteps<T>,
  mirrored: ForwardSteps<T>,
  axes: readonly MirrorAxis[],
): ForwardSteps<{ plain: T; mirrored: T }> {
  const copies = mirrorSets(axes);
  let a = plain.next();
  let b = mirrored.next();
  while (!a.done && !b.done) {
    const req: ForwardRequest = a.value;
    const first = yield req;
    const mean = yield* meanOverCopies(req, first, copies);
    a = plain.next(first);
    b = mirrored.next(mean);
  }
  if (!a.done || !b.done) throw new Error('plainAndMirroredSteps: the two runs made different requests');
  return { plain: a.value, mirrored: b.value };
}
