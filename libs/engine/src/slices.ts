/**
 * The engine's view of a dataset: equally sized 2D slices with integer label maps, each
 * tagged with its case and slice position, plus deterministic batching with training-only
 * augmentation (the data lib's flips, shifts and optional elastic deformation).
 *
 * Layouts: one image is `H * W * C` float32 values in HWC order; one label map is `H * W`
 * class indices in [0, K). Batches are NHWC `[B, H, W, C]` images and `[B, H, W]` int32 labels.
 */
import { tf, type Tensor } from '../../tensor/src/index.js';
import { ShapeError, ValidationError } from '../../core/src/errors.js';
import {
  augmentSample,
  Rng as DataRng,
  type AugmentOptions as DataAugmentOptions,
} from '../../data/src/index.js';
import { Rng, deriveSeed } from './rng.js';

/** One 2D training or evaluation example. */
export interface Slice {
  /** Case (patient / volume / image) it belongs to; splits never separate a case. */
  caseId: string;
  /** Position along the slicing axis inside its case (0 for 2D images). */
  index: number;
  /** `H * W * C` float32, HWC. */
  image: Float32Array;
  /** `H * W` class indices. */
  label: Uint8Array;
  /**
   * Where the original (unpadded) slice lies inside the `H x W` one; evaluation crops
   * predictions and labels to it so padding never counts. Default: the whole slice.
   */
  region?: { top: number; left: number; height: number; width: number };
}

/** A set of equally sized slices. */
export interface SliceSet {
  height: number;
  width: number;
  channels: number;
  /** Number of classes K, background included. */
  nClasses: number;
  /** Class names, index 0 = background (length K). */
  classNames: string[];
  slices: Slice[];
  /** Voxel spacing in mm per case, `[slice, row, column]`; default `[1, 1, 1]`. */
  spacing?: Record<string, [number, number, number]>;
}

/** Checks sizes and label ranges; throws ShapeError / ValidationError naming the offending case. */
export function validateSliceSet(s: SliceSet, what = 'dataset'): void {
  const { height: h, width: w, channels: c, nClasses: k } = s;
  if (![h, w, c, k].every((v) => Number.isInteger(v) && v > 0)) {
    throw new ValidationError(`${what}: height, width, channels and nClasses must be positive integers`);
  }
  if (s.slices.length === 0) throw new ValidationError(`${what}: no slices`);
  for (const sl of s.slices) {
    if (sl.image.length !== h * w * c || sl.label.length !== h * w) {
      throw new ShapeError(`${what}: case ${sl.caseId} slice ${sl.index} does not have size ${h}x${w}x${c}`);
    }
    const r = sl.region;
    if (
      r &&
      (r.top < 0 || r.left < 0 || r.height < 1 || r.width < 1 || r.top + r.height > h || r.left + r.width > w)
    ) {
      throw new ShapeError(
        `${what}: case ${sl.caseId} slice ${sl.index} has a region outside its ${h}x${w} slice`,
      );
    }
    for (let i = 0; i < sl.label.length; i++) {
      if ((sl.label[i] as number) >= k) {
        throw new ValidationError(`${what}: case ${sl.caseId} has label ${sl.label[i]} >= nClasses ${k}`);
      }
    }
  }
}

/** Same metadata, a subset of slices. */
export function subset(s: SliceSet, slices: Slice[]): SliceSet {
  return { ...s, slices };
}

/** Distinct case ids in first-seen order. */
export function caseIds(s: SliceSet): string[] {
  return [...new Set(s.slices.map((x) => x.caseId))];
}

/**
 * Splits a set into two halves by case (seeded), as the bilevel search needs: the first
 * half trains weights, the second trains alphas. With a single case it splits slices.
 */
export function splitHalves(s: SliceSet, seed: number): [SliceSet, SliceSet] {
  const ids = caseIds(s).sort();
  const rng = new Rng(deriveSeed(seed, 0x5eed));
  if (ids.length >= 2) {
    const order = rng.shuffle(ids);
    const a = new Set(order.slice(0, Math.ceil(order.length / 2)));
    return [
      subset(
        s,
        s.slices.filter((x) => a.has(x.caseId)),
      ),
      subset(
        s,
        s.slices.filter((x) => !a.has(x.caseId)),
      ),
    ];
  }
  if (s.slices.length < 2)
    throw new ValidationError('search needs at least 2 training slices to split into halves');
  const order = rng.shuffle(s.slices);
  const half = Math.ceil(order.length / 2);
  return [subset(s, order.slice(0, half)), subset(s, order.slice(half))];
}

/**
 * Training-only augmentation (flips, shifts, optional elastic deformation), as defined and
 * implemented by the data lib's `augmentSample`.
 */
export type AugmentOptions = DataAugmentOptions;

/** Default augmentation: horizontal and vertical flips, shifts of up to 1/16 of the side, no elastic. */
export function defaultAugment(height: number): AugmentOptions {
  return { flipHorizontal: true, flipVertical: true, maxShift: Math.max(1, Math.floor(height / 16)) };
}

/** A batch as tensors; the caller disposes both. */
export interface Batch {
  /** `[B, H, W, C]` float32 */
  x: Tensor;
  /** `[B, H, W]` int32 */
  y: Tensor;
}

/** A batch in host memory: NHWC images and label maps, as {@link makeBatch} uploads them. */
export interface HostBatch {
  /** `[B, H, W, C]` float32 values. */
  x: Float32Array;
  /** `[B, H, W]` class indices. */
  y: Int32Array;
  /** `[B, H, W, C]`. */
  shape: [number, number, number, number];
}

/**
 * Builds a batch from slices in host memory, optionally augmented. Sample `b` draws its
 * transform from a generator seeded with `(seed, b)`, so the same seed always gives the
 * same batch; every channel of a sample gets the same transform.
 */
export function makeHostBatch(s: SliceSet, items: Slice[], aug?: AugmentOptions, seed = 0): HostBatch {
  const { height: h, width: w, channels: c } = s;
  const hw = h * w;
  const n = items.length;
  const xs = new Float32Array(n * hw * c);
  const ys = new Int32Array(n * hw);
  items.forEach((it, b) => {
    if (!aug) {
      xs.set(it.image, b * hw * c);
      ys.set(it.label, b * hw);
      return;
    }
    const sampleSeed = deriveSeed(seed, b);
    for (let ch = 0; ch < c; ch++) {
      const plane = new Float32Array(hw);
      for (let i = 0; i < hw; i++) plane[i] = it.image[i * c + ch] as number;
      const out = augmentSample(
        plane,
        ch === 0 ? Int32Array.from(it.label) : undefined,
        h,
        w,
        aug,
        new DataRng(sampleSeed),
      );
      for (let i = 0; i < hw; i++) xs[(b * hw + i) * c + ch] = out.image[i] as number;
      if (ch === 0 && out.label) ys.set(out.label, b * hw);
    }
  });
  return { x: xs, y: ys, shape: [n, h, w, c] };
}

/** Uploads a host batch as tensors; the caller disposes both. */
export function uploadBatch(b: HostBatch): Batch {
  const [n, h, w] = b.shape;
  return { x: tf.tensor4d(b.x, b.shape), y: tf.tensor3d(b.y, [n, h, w], 'int32') };
}

/** {@link makeHostBatch} uploaded as tensors; the caller disposes both. */
export function makeBatch(s: SliceSet, items: Slice[], aug?: AugmentOptions, seed = 0): Batch {
  return uploadBatch(makeHostBatch(s, items, aug, seed));
}

/** Slices of batch `b` of an epoch order (the last batch may be smaller). */
export function batchAt<T>(order: T[], b: number, batchSize: number): T[] {
  return order.slice(b * batchSize, (b + 1) * batchSize);
}

/** Number of batches per pass over `n` items. */
export function batchesPerEpoch(n: number, batchSize: number): number {
  return Math.max(1, Math.ceil(n / batchSize));
}

/** Seeded order of the slices for one epoch of one stream (`stream` separates independent streams). */
export function epochOrder(slices: Slice[], seed: number, stream: number, epoch: number): Slice[] {
  return new Rng(deriveSeed(seed, stream, epoch)).shuffle(slices);
}
