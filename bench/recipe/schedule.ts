/**
 * The batches of one seed of our engine's run, written for the PyTorch twin to replay
 * (protocol `batches: shared`): for every step the training-slice index of each batch item
 * and whether it was flipped left-right. They come from the engine's own
 * `trainingBatches`, the function `runTraining` draws from, and each flip is read off the
 * batch it built, so the twin trains on exactly the data our run trains on.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RECIPE_AUGMENT,
  trainingBatches,
  type HostBatch,
  type Slice,
  type SliceSet,
} from '../../libs/engine/src/index.js';
import { FILES, recipeSampling, type RecipeProtocol } from './protocol.js';

/**
 * 0 when row `b` of `batch` is slice `s` as it is, 1 when it is `s` mirrored left-right;
 * throws for anything else (an augmentation the twin could not replay).
 */
export function flipOf(batch: HostBatch, b: number, s: Slice): 0 | 1 {
  const [, h, w, c] = batch.shape;
  const x = batch.x.subarray(b * h * w * c, (b + 1) * h * w * c);
  const y = batch.y.subarray(b * h * w, (b + 1) * h * w);
  const matches = (mirror: boolean): boolean => {
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const src = r * w + (mirror ? w - 1 - col : col);
        const dst = r * w + col;
        if (y[dst] !== s.label[src]) return false;
        for (let ch = 0; ch < c; ch++) if (x[dst * c + ch] !== s.image[src * c + ch]) return false;
      }
    }
    return true;
  };
  if (matches(false)) return 0;
  if (matches(true)) return 1;
  throw new Error(`batch item ${b} is neither its slice nor the slice's left-right mirror`);
}

/** The schedule of seed `seed` under `p`: item indices and flips, both `[steps, batchSize]`. */
export function batchSchedule(
  p: RecipeProtocol,
  train: SliceSet,
  seed: number,
): { items: Int32Array; flips: Uint8Array } {
  const steps = Math.max(...p.steps);
  const source = trainingBatches(train, p.batchSize, recipeSampling(p), RECIPE_AUGMENT, seed);
  const indexOf = new Map(train.slices.map((s, i) => [s, i]));
  const items = new Int32Array(steps * p.batchSize);
  const flips = new Uint8Array(steps * p.batchSize);
  for (let step = 0; step < steps; step++) {
    const position = {
      epoch: Math.floor(step / source.stepsPerEpoch),
      stepInEpoch: step % source.stepsPerEpoch,
      step,
    };
    const drawn = source.draw(position);
    drawn.items.forEach((s, b) => {
      const index = indexOf.get(s);
      if (index === undefined) throw new Error(`step ${step}: batch item ${b} is not a training slice`);
      items[step * p.batchSize + b] = index;
      flips[step * p.batchSize + b] = flipOf(drawn.batch, b, s);
    });
  }
  return { items, flips };
}

/** Writes the schedule files of `seed` into the run folder `dir` unless they exist. */
export function writeBatchSchedule(dir: string, p: RecipeProtocol, train: SliceSet, seed: number): void {
  const itemsPath = join(dir, FILES.batchItems(seed));
  const flipsPath = join(dir, FILES.batchFlips(seed));
  if (existsSync(itemsPath) && existsSync(flipsPath)) return;
  const { items, flips } = batchSchedule(p, train, seed);
  writeFileSync(itemsPath, Buffer.from(items.buffer));
  writeFileSync(flipsPath, Buffer.from(flips.buffer));
}
