/**
 * The training protocol both implementations of the recipe benchmark follow, and the
 * files they exchange. It is written into the run folder (`protocol.json`) so the PyTorch
 * twin reads the very same settings.
 *
 * Data: MSD hippocampus, axial slices (voxel axis 2), per-case z-score, centre-padded to a
 * multiple of 16 (64 x 48); seeded case split 192 train / 16 val / 52 test. Training: U-Net
 * width 16 (the reference net, 483 k parameters), depth 3 (two 3x3 conv + GroupNorm + ReLU per level), batch 16 drawn at random with a third
 * of it from slices with foreground, per-sample left-right flips with p 0.5, loss CE +
 * (1 - mean soft Dice of the foreground classes over the batch), AdamW lr 1e-3 wd 5e-4,
 * cosine to 0 over the last checkpoint step, gradients clipped at global norm 5. With
 * `batches` = `shared` (the default) the twin trains on the very batches and flips our
 * engine's sampler draws for the seed (schedule.ts), so the two runs of a seed see the same
 * data in the same order and differ only in the arithmetic. Test: 3D
 * Dice per test case after cropping the padding, then the mean per class. With
 * `contextSlices` = k both nets see each slice with its k neighbours on either side as
 * 2k + 1 input channels (2.5D).
 */
import type { SamplingOptions } from '../../libs/engine/src/index.js';

export interface RecipeProtocol {
  /** U-Net base width and depth. */
  width: number;
  depth: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  foregroundShare: number;
  clip: number;
  /** Steps at which the test set is evaluated; the schedule runs to the last. */
  steps: number[];
  splitSeed: number;
  testCases: number;
  valCases: number;
  /** Neighbouring slices on each side as extra input channels (absent in older run folders: 0). */
  contextSlices?: number;
  /**
   * `shared`: the twin replays the batches and flips our engine draws; `own`: it draws its
   * own from NumPy's generator (absent in older run folders: own).
   */
  batches?: BatchDraws;
}

export const BATCH_DRAWS = ['shared', 'own'] as const;
export type BatchDraws = (typeof BATCH_DRAWS)[number];

/** How our engine's runs of `p` draw their batches (the twin replays them when shared). */
export function recipeSampling(p: RecipeProtocol): SamplingOptions {
  return { kind: 'foreground', foregroundShare: p.foregroundShare, stepsPerEpoch: Math.min(...p.steps) };
}

/** The run folder of `bench/recipe` unless `--out` names another. */
export const DEFAULT_OUT = 'runs/bench-recipe';

export const DEFAULT_PROTOCOL: RecipeProtocol = {
  width: 16,
  depth: 3,
  batchSize: 16,
  lr: 1e-3,
  weightDecay: 5e-4,
  foregroundShare: 1 / 3,
  clip: 5,
  steps: [500, 1000, 2000],
  splitSeed: 2026,
  testCases: 52,
  valCases: 16,
  contextSlices: 0,
  batches: 'shared',
};

/** One line of a lockstep trace: the loss of step `step`'s batch before its update. */
export interface TracePoint {
  step: number;
  loss: number;
}

/** One evaluation line of a run (both implementations write these as JSON lines). */
export interface CurvePoint {
  step: number;
  /** Training wall seconds up to this step (evaluation excluded). */
  seconds: number;
  loss: number;
  /** Mean 3D Dice over the test cases, one per foreground class. */
  dice: number[];
}

/** File names inside the run folder. */
export const FILES = {
  protocol: 'protocol.json',
  data: 'data',
  init: (seed: number): string => `init-s${seed}.weights`,
  /** Logits `[4, H, W, K]` of the initial net on the first four test slices (raw float32). */
  initLogits: (seed: number): string => `init-s${seed}.logits.f32`,
  curve: (impl: string, seed: number): string => `${impl}-s${seed}.jsonl`,
  checkpoint: (seed: number): string => `ours-s${seed}.ckpt`,
  /** Training-slice index of every batch item, `[steps, batchSize]` int32 (shared batches). */
  batchItems: (seed: number): string => `batches-s${seed}.i32`,
  /** 1 where that item is flipped left-right, `[steps, batchSize]` uint8 (shared batches). */
  batchFlips: (seed: number): string => `flips-s${seed}.u8`,
  /** Loss of each of the first steps, JSON lines `{step, loss}` (stage trace). */
  trace: (impl: 'ours' | 'torch1' | 'torch2', seed: number): string => `trace-${impl}-s${seed}.jsonl`,
};
