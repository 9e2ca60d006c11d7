/**
 * Seeded, resumable mini-batch iteration over a {@link SlicedDataset}.
 */
import { ValidationError } from '../../core/src/index.js';
import { augmentSample, validateAugment, type AugmentOptions } from './augment.js';
import { deriveSeed, Rng, type RngState } from './rng.js';
import type { SlicedDataset } from './slice-dataset.js';

/**
 * One mini-batch, plain arrays in NHWC order:
 * - `x`: Float32Array of shape [B, H, W, 1] (normalised intensities);
 * - `y`: Int32Array of shape [B, H, W] (class indices; all 0 for unlabelled slices).
 */
export interface Batch {
  x: Float32Array;
  y: Int32Array;
  /** [B, H, W, 1]. */
  shape: [number, number, number, number];
  /** Which slices are in the batch, in order. */
  refs: { caseId: string; sliceIndex: number }[];
  /** Epoch (0-based) and batch index within that epoch. */
  epoch: number;
  step: number;
}

/** Options of {@link BatchIterator}. */
export interface BatchIteratorOptions {
  /** Slices per batch (>= 1). */
  batchSize: number;
  /** Seed for the shuffle order and augmentation. */
  seed: number;
  /** Shuffle each epoch (default true). Order of epoch e depends only on (seed, e). */
  shuffle?: boolean;
  /** Training augmentation; leave undefined for evaluation. */
  augment?: AugmentOptions;
  /** Drop a last incomplete batch of each epoch (default false). */
  dropLast?: boolean;
}

/** Saved iterator position: restore it with {@link BatchIterator.setState} to resume. */
export interface BatchIteratorState {
  epoch: number;
  /** Slices of the current epoch already served. */
  cursor: number;
  /** Augmentation RNG state. */
  rng: RngState;
}

/**
 * Endless batch stream over epochs. `next()` serves the next batch, moving to the next
 * epoch (with a new shuffle) when the current one is exhausted. `getState()`/`setState()`
 * save and restore the exact position, so a resumed run sees the same batches (order
 * and augmentation) as an uninterrupted one.
 */
export class BatchIterator {
  private readonly order: number[];
  private epoch = 0;
  private cursor = 0;
  private readonly rng: Rng;
  private readonly batchSize: number;
  private readonly seed: number;

  constructor(
    private readonly dataset: SlicedDataset,
    private readonly options: BatchIteratorOptions,
  ) {
    const { batchSize, seed } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new ValidationError(`batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isFinite(seed)) throw new ValidationError(`seed must be a finite number, got ${seed}`);
    if (dataset.slices.length === 0) throw new ValidationError('dataset has no slices to batch');
    if (options.augment) validateAugment(options.augment);
    if (options.dropLast && dataset.slices.length < batchSize) {
      throw new ValidationError(
        `dropLast with batchSize ${batchSize} > ${dataset.slices.length} slices yields no batches`,
      );
    }
    this.batchSize = batchSize;
    this.seed = seed;
    this.rng = new Rng(deriveSeed(seed, 0x617567)); // augmentation stream
    this.order = this.orderFor(0);
  }

  /** Number of slices in the dataset. */
  get size(): number {
    return this.dataset.slices.length;
  }

  /** Batches per epoch. */
  get stepsPerEpoch(): number {
    const n = this.dataset.slices.length;
    return this.options.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Current epoch (0-based) and step within it of the batch `next()` will return. */
  get position(): { epoch: number; step: number } {
    if (this.epochDone()) return { epoch: this.epoch + 1, step: 0 };
    return { epoch: this.epoch, step: Math.floor(this.cursor / this.batchSize) };
  }

  /** The next batch (rolls over into the next epoch). */
  next(): Batch {
    if (this.epochDone()) this.startEpoch(this.epoch + 1);
    const n = this.order.length;
    const count = Math.min(this.batchSize, n - this.cursor);
    const { height: H, width: W } = this.dataset;
    const x = new Float32Array(count * H * W);
    const y = new Int32Array(count * H * W);
    const refs: Batch['refs'] = [];
    const step = Math.floor(this.cursor / this.batchSize);
    for (let b = 0; b < count; b++) {
      const s = this.dataset.slices[this.order[this.cursor + b] as number];
      if (!s) throw new ValidationError('internal: slice index out of range');
      let img = s.image;
      let lab = s.label;
      if (this.options.augment) {
        const r = augmentSample(img, lab, H, W, this.options.augment, this.rng);
        img = r.image;
        lab = r.label;
      }
      x.set(img, b * H * W);
      if (lab) y.set(lab, b * H * W);
      refs.push({ caseId: s.caseId, sliceIndex: s.sliceIndex });
    }
    this.cursor += count;
    return { x, y, shape: [count, H, W, 1], refs, epoch: this.epoch, step };
  }

  /** The remaining batches of the current epoch (all of them at an epoch start). */
  *epochBatches(): Generator<Batch> {
    if (this.epochDone()) this.startEpoch(this.epoch + 1);
    const e = this.epoch;
    while (this.epoch === e && !this.epochDone()) yield this.next();
  }

  /** Saves the position (epoch, cursor, RNG state). */
  getState(): BatchIteratorState {
    return { epoch: this.epoch, cursor: this.cursor, rng: this.rng.getState() };
  }

  /** Restores a position saved by {@link getState} (same dataset, seed and options). */
  setState(state: BatchIteratorState): void {
    if (!Number.isInteger(state.epoch) || state.epoch < 0)
      throw new ValidationError(`state.epoch must be a non-negative integer, got ${state.epoch}`);
    if (!Number.isInteger(state.cursor) || state.cursor < 0 || state.cursor > this.order.length) {
      throw new ValidationError(`state.cursor must be in [0, ${this.order.length}], got ${state.cursor}`);
    }
    this.startEpoch(state.epoch);
    this.cursor = state.cursor;
    this.rng.setState(state.rng);
  }

  private epochDone(): boolean {
    const n = this.order.length;
    return this.options.dropLast ? n - this.cursor < this.batchSize : this.cursor >= n;
  }

  private startEpoch(e: number): void {
    const o = this.orderFor(e);
    for (let i = 0; i < o.length; i++) this.order[i] = o[i] as number;
    this.epoch = e;
    this.cursor = 0;
  }

  private orderFor(epoch: number): number[] {
    const idx = Array.from({ length: this.dataset.slices.length }, (_, i) => i);
    if (this.options.shuffle ?? true) new Rng(deriveSeed(this.seed, epoch)).shuffle(idx);
    return idx;
  }
}
