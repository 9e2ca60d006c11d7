/**
 * Our side of bench/perf: forward pass, one full training step (loss, gradients, global
 * clipping, AdamW, exactly `optimiseOnBatch` of the engine) and the real training loop
 * (`runTraining`: sampling, batch assembly, augmentation) on the current backend, plus
 * the kernels one training step runs, counted and timed with `tf.profile`.
 */
import {
  AdamW,
  WEIGHT_OPTIMISER,
  makeBatch,
  runTraining,
  type Batch,
  type SliceSet,
} from '../../libs/engine/src/index.js';
import { optimiseOnBatch } from '../../libs/engine/src/loop-control.js';
import type { NamedWeightsNet } from '../../libs/nas/src/contracts.js';
import { mulberry32, tf, uniformArray, type Tensor4D } from '../../libs/tensor/src/index.js';
import type { PerfCase } from './cases.js';
import { median } from '../../libs/core/src/index.js';

/** Loss settings of every step here: the engine's defaults (clip 5, CE + soft Dice). */
export const STEP = { clip: 5, diceWeight: 1 } as const;

/**
 * `count` seeded slices of `side x side x 1`: uniform intensities in [-1, 1] and a
 * two-class label (a disc of random centre and radius), so every batch has foreground.
 */
export function benchSlices(count: number, side: number, seed: number): SliceSet {
  const rnd = mulberry32(seed);
  const slices = Array.from({ length: count }, (_, i) => {
    const image = uniformArray(side * side, seed * 1000 + i);
    const label = new Uint8Array(side * side);
    const cy = side * (0.25 + 0.5 * rnd());
    const cx = side * (0.25 + 0.5 * rnd());
    const r = side * (0.1 + 0.15 * rnd());
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) label[y * side + x] = (y - cy) ** 2 + (x - cx) ** 2 < r * r ? 1 : 0;
    return { caseId: `c${i >> 3}`, index: i & 7, image, label };
  });
  return { height: side, width: side, channels: 1, nClasses: 2, classNames: ['background', 'disc'], slices };
}

/** The fixed timed batch: the first `batch` slices, no augmentation. */
export function fixedBatch(set: SliceSet, batch: number): Batch {
  return makeBatch(set, set.slices.slice(0, batch));
}

export interface OurTimes {
  forwardMs: number;
  trainMs: number;
  /** Loss of the first timed step (the twin's must match it). */
  firstLoss: number;
}

/** Median forward and train-step times over `reps` after `warmup` untimed ones of each. */
export function timeOurs(
  net: NamedWeightsNet,
  set: SliceSet,
  c: PerfCase,
  reps: number,
  warmup: number,
): OurTimes {
  const fwd: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const b = fixedBatch(set, c.batch);
    const t0 = performance.now();
    const y = tf.tidy(() => tf.sum(net.apply(b.x as Tensor4D, true)));
    y.dataSync();
    if (i >= warmup) fwd.push(performance.now() - t0);
    tf.dispose([y, b.x, b.y]);
  }
  const weights = net.weightParams();
  const opt = new AdamW(weights, WEIGHT_OPTIMISER);
  const train: number[] = [];
  let firstLoss = NaN;
  for (let i = 0; i < warmup + reps; i++) {
    const b = fixedBatch(set, c.batch);
    const t0 = performance.now();
    const loss = optimiseOnBatch(net, weights, opt, b, STEP);
    if (i === 0) firstLoss = loss;
    if (i >= warmup) train.push(performance.now() - t0);
  }
  opt.dispose();
  return { forwardMs: median(fwd), trainMs: median(train), firstLoss };
}

export interface KernelProfile {
  /** Kernels one training step runs. */
  total: number;
  /** Per kernel name: how many ran and their summed time (ms), by time, largest first. */
  byName: Array<{ name: string; count: number; ms: number }>;
}

/** Profiles one training step (after the timed ones; its update is thrown away with the optimiser). */
export async function profileStep(net: NamedWeightsNet, set: SliceSet, c: PerfCase): Promise<KernelProfile> {
  const weights = net.weightParams();
  const opt = new AdamW(weights, WEIGHT_OPTIMISER);
  const info = await tf.profile(() => {
    optimiseOnBatch(net, weights, opt, fixedBatch(set, c.batch), STEP);
  });
  opt.dispose();
  const by = new Map<string, { count: number; ms: number }>();
  // A custom-gradient op is profiled as one more entry (named after its scope) whose time
  // is that of the kernels inside it, which are listed too: only real kernels count.
  const kernels = info.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()) !== undefined);
  for (const k of kernels) {
    const e = by.get(k.name) ?? { count: 0, ms: 0 };
    e.count++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    by.set(k.name, e);
  }
  return {
    total: kernels.length,
    byName: [...by].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms),
  };
}

/**
 * Steps per second of `runTraining` (engine defaults: AdamW, cosine, clip 5, flips and
 * shifts) over `steps` steps on `set`, the first step excluded; no validation inside the
 * timed steps (one epoch is longer than the run).
 */
export async function loopStepsPerSecond(
  net: NamedWeightsNet,
  set: SliceSet,
  c: PerfCase,
  steps: number,
): Promise<number> {
  const stamps: number[] = [];
  const val = { ...set, slices: set.slices.slice(0, 1) };
  await runTraining(net, {
    train: set,
    val,
    batchSize: c.batch,
    maxSteps: steps + 1,
    maxEpochs: 1,
    sampling: { kind: 'foreground', foregroundShare: 0.5, stepsPerEpoch: steps + 1 },
    validateInitial: false,
    restoreBest: false,
    onEvent: (e) => {
      if (e.type === 'step') stamps.push(performance.now());
    },
  });
  return (stamps.length - 1) / ((stamps.at(-1)! - stamps[0]!) / 1000);
}
