/**
 * How a training loop draws its batches. Two strategies:
 *
 * - `epochs`: each epoch is one pass over the seeded shuffled slices, `batchSize` at a time.
 * - `foreground`: every batch is drawn at random (with replacement), `foregroundShare` of it
 *   from the slices that hold any foreground label and the rest uniformly from all slices
 *   (the oversampling nnU-Net and MONAI use, so small structures are seen often enough).
 *   An "epoch" is then a fixed number of steps, only a unit for validation and checkpoints.
 *
 * Both are pure functions of (seed, epoch, step), so a resumed run draws the same batches.
 */
import { ValidationError } from '../../core/src/errors.js';
import { Rng, deriveSeed } from './rng.js';
import { batchAt, batchesPerEpoch, epochOrder, type Slice } from './slices.js';

/** Batch drawing of a training run. */
export type SamplingOptions =
  | { kind: 'epochs' }
  | {
      kind: 'foreground';
      /** Share of each batch drawn from slices with foreground, in [0, 1]; rounded down to whole slices. */
      foregroundShare: number;
      /** Steps that make one epoch (validation and checkpoint unit). */
      stepsPerEpoch: number;
    };

/** The batches of one run: how many make an epoch and which slices batch `step` holds. */
export interface BatchSampler {
  readonly stepsPerEpoch: number;
  /** Slices of the batch at global `step`, which is step `stepInEpoch` of `epoch`. */
  batch(epoch: number, stepInEpoch: number, step: number): Slice[];
}

/** True when any label value of the slice is not background. */
export function hasForeground(s: Slice): boolean {
  for (let i = 0; i < s.label.length; i++) if ((s.label[i] as number) !== 0) return true;
  return false;
}

/** Checks sampling options; throws ValidationError naming the bad field. */
export function validateSampling(s: SamplingOptions): void {
  if (s.kind === 'epochs') return;
  if (!(s.foregroundShare >= 0 && s.foregroundShare <= 1)) {
    throw new ValidationError(`foregroundShare must be in [0, 1], got ${s.foregroundShare}`);
  }
  if (!Number.isInteger(s.stepsPerEpoch) || s.stepsPerEpoch < 1) {
    throw new ValidationError(`stepsPerEpoch must be a positive integer, got ${s.stepsPerEpoch}`);
  }
}

/** The sampler of `sampling` over `slices`; `stream` separates it from other random streams of the run. */
export function makeSampler(
  slices: Slice[],
  batchSize: number,
  sampling: SamplingOptions,
  seed: number,
  stream = 5,
): BatchSampler {
  validateSampling(sampling);
  if (sampling.kind === 'epochs') {
    let cached: { epoch: number; order: Slice[] } | null = null;
    return {
      stepsPerEpoch: batchesPerEpoch(slices.length, batchSize),
      batch: (epoch, stepInEpoch) => {
        if (cached?.epoch !== epoch) cached = { epoch, order: epochOrder(slices, seed, stream, epoch) };
        return batchAt(cached.order, stepInEpoch, batchSize);
      },
    };
  }
  const fg = slices.filter(hasForeground);
  const nFg = fg.length === 0 ? 0 : Math.floor(batchSize * sampling.foregroundShare);
  return {
    stepsPerEpoch: sampling.stepsPerEpoch,
    batch: (_epoch, _stepInEpoch, step) => {
      const rng = new Rng(deriveSeed(seed, stream, step));
      const out: Slice[] = [];
      for (let i = 0; i < nFg; i++) out.push(fg[rng.int(fg.length)] as Slice);
      while (out.length < batchSize) out.push(slices[rng.int(slices.length)] as Slice);
      return out;
    },
  };
}
