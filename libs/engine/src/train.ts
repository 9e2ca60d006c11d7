/**
 * Training loop for any {@link SegmentationNet} (derived networks and baselines),
 * NASUNET-SPEC section 5: AdamW (lr 1e-3, wd 5e-4) with a cosine schedule over the
 * planned steps, loss CE + weighted soft Dice, gradient clipping, augmentation on training
 * slices only, validation every epoch and the best weights (by validation Dice) kept in
 * `bestPath`. Checkpoints and resume work as in the search loop.
 */
import { ValidationError } from '../../core/src/errors.js';
import { tf } from '../../tensor/src/index.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { EventSink } from './events.js';
import { openStepper, type DataParallelOptions, type Stepper } from './data-parallel.js';
import {
  BatchPrefetch,
  LoopControl,
  countStep,
  followingPosition,
  loadRunCheckpoint,
  nextEpoch,
  optimiseOnBatch,
  positiveInt,
  resolveAugment,
  startPosition,
  type LoopPosition,
  type RunMeta,
} from './loop-control.js';
import { AdamW, WEIGHT_OPTIMISER, cosineLr, type AdamWConfig } from './optim.js';
import { validate } from './predict.js';
import { deriveSeed } from './rng.js';
import { makeSampler, type SamplingOptions } from './sampler.js';
import {
  makeHostBatch,
  validateSliceSet,
  type AugmentOptions,
  type HostBatch,
  type Slice,
  type SliceSet,
} from './slices.js';
import { packOptimiser, packVariables, unpackOptimiser, unpackVariables } from './state-io.js';

/** Options of {@link runTraining}. Defaults in brackets. */
export interface TrainOptions {
  train: SliceSet;
  val: SliceSet;
  /** [0] */
  seed?: number;
  /** [4] */
  batchSize?: number;
  /** [10] */
  maxEpochs?: number;
  /** [Infinity] */
  maxSteps?: number;
  /** Seconds, this call only [Infinity]. */
  maxWallSeconds?: number;
  /** [5] */
  gradClip?: number;
  /** [1] */
  diceWeight?: number;
  /** [lr 1e-3, wd 5e-4]; the lr is the cosine schedule's start. */
  optimiser?: AdamWConfig;
  /** Final learning rate of the cosine schedule [0]. */
  minLr?: number;
  /** How batches are drawn [one pass over the shuffled slices per epoch]. */
  sampling?: SamplingOptions;
  /** Training augmentation [flips + shifts of H/16, no elastic]; `false` disables. */
  augment?: AugmentOptions | false;
  checkpointPath?: string;
  /** File for the best weights (by validation Dice). */
  bestPath?: string;
  /** [60] */
  checkpointIntervalSeconds?: number;
  checkpointEverySteps?: number;
  resumeFrom?: string;
  /** Validate the untrained net first, for `initialValDice` [true]; off starts the first step sooner. */
  validateInitial?: boolean;
  /** Load the best weights back into `net` at the end [true]. */
  restoreBest?: boolean;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** When the wall-time budget began (`Date.now()` ms) [when the loop starts]. */
  wallClockStart?: number;
  /** Data-parallel worker threads (data-parallel.ts) [none: steps in this thread]. */
  parallel?: DataParallelOptions;
}

/** Result of {@link runTraining}. */
export interface TrainResult {
  epochs: number;
  steps: number;
  reason: 'max_epochs' | 'max_steps' | 'wall_time';
  /** Validation Dice and loss of the untrained net (null when resumed past it). */
  initialValDice: number | null;
  bestValDice: number;
  bestEpoch: number;
  valLoss: number;
  valDice: number;
  curve: Array<{ epoch: number; trainLoss: number; valLoss: number; valDice: number; lr: number }>;
}

interface TrainState extends LoopPosition {
  bestValDice: number;
  bestEpoch: number;
  curve: TrainResult['curve'];
  initialValDice: number | null;
  lastVal: { loss: number; dice: number } | null;
  finished: TrainResult['reason'] | null;
}

interface TrainMeta extends RunMeta {
  kind: 'train';
  state: TrainState;
  weightShapes: number[][];
  optSteps: number;
}

/** Weights-only file written for the best epoch (same container format as checkpoints). */
export function saveWeights(path: string, net: SegmentationNet, meta: Record<string, unknown> = {}): void {
  const arrays: Record<string, Float32Array> = {};
  const shapes = packVariables('w', net.weightParams(), arrays);
  saveCheckpoint(path, { meta: { version: 1, kind: 'weights', weightShapes: shapes, ...meta }, arrays });
}

/** Loads weights written by {@link saveWeights} (or any checkpoint) into `net`; returns the metadata. */
export function loadWeights<M = Record<string, unknown>>(
  path: string,
  net: SegmentationNet,
): M & { weightShapes: number[][] } {
  const ck = loadCheckpoint<M & { weightShapes: number[][] }>(path);
  unpackVariables('w', net.weightParams(), ck.meta?.weightShapes, ck.arrays, path);
  return ck.meta;
}

/** The batches of a training run, as {@link trainingBatches} draws them. */
export interface TrainingBatches {
  readonly stepsPerEpoch: number;
  /** Height and width of every batch item (the patch size, or the slice size). */
  readonly height: number;
  readonly width: number;
  /** The items of the step at `p` and their augmented host batch (item `b` is row `b`). */
  draw(p: Pick<LoopPosition, 'epoch' | 'stepInEpoch' | 'step'>): { items: Slice[]; batch: HostBatch };
}

/**
 * The batch of every step of a {@link runTraining} run with these options: the sampler's
 * items of the step, augmented from the run seed's augmentation stream. A pure function of
 * the position, so a resumed run draws the batches of an uninterrupted one, and a twin
 * implementation can be handed the very batches this engine trains on (bench/recipe).
 */
export function trainingBatches(
  train: SliceSet,
  batchSize: number,
  sampling: SamplingOptions | undefined,
  augment: AugmentOptions | false | undefined,
  seed: number,
): TrainingBatches {
  const sampler = makeSampler(train, batchSize, sampling ?? { kind: 'epochs' }, seed);
  const batchSet = { ...train, height: sampler.height, width: sampler.width };
  const aug = resolveAugment(augment, batchSet);
  return {
    stepsPerEpoch: sampler.stepsPerEpoch,
    height: sampler.height,
    width: sampler.width,
    draw: (p) => {
      const items = sampler.batch(p.epoch, p.stepInEpoch, p.step);
      return { items, batch: makeHostBatch(batchSet, items, aug, deriveSeed(seed, 6, p.step)) };
    },
  };
}

/** Trains `net` in place; see the module doc. Throws CancelledError after checkpointing when `signal` aborts. */
export async function runTraining(net: SegmentationNet, o: TrainOptions): Promise<TrainResult> {
  const seed = o.seed ?? 0;
  const batchSize = o.batchSize ?? 4;
  const maxEpochs = o.maxEpochs ?? 10;
  const maxSteps = o.maxSteps ?? Infinity;
  const maxWall = o.maxWallSeconds ?? Infinity;
  const clip = o.gradClip ?? 5;
  const diceWeight = o.diceWeight ?? 1;
  positiveInt('batchSize', batchSize);
  positiveInt('maxEpochs', maxEpochs);
  if (!(maxSteps >= 1)) throw new ValidationError(`maxSteps must be >= 1, got ${maxSteps}`);
  if (!(maxWall > 0)) throw new ValidationError(`maxWallSeconds must be > 0, got ${maxWall}`);
  validateSliceSet(o.train, 'training set');
  validateSliceSet(o.val, 'validation set');
  const source = trainingBatches(o.train, batchSize, o.sampling, o.augment, seed);
  const stepsPerEpoch = source.stepsPerEpoch;
  // Validation predicts as inference does: windows of the training input size.
  const window = { window: [source.height, source.width] as [number, number] };
  const validation = (): ReturnType<typeof validate> =>
    validate(net, o.val, batchSize, { diceWeight }, window);
  const totalSteps = Math.min(maxSteps, maxEpochs * stepsPerEpoch);
  const weights = net.weightParams();
  const optCfg = { ...WEIGHT_OPTIMISER, ...o.optimiser };
  const opt = new AdamW(weights, optCfg);
  const batches = new BatchPrefetch((p) => source.draw(p).batch);
  let stepper: Stepper | null = null;
  let st: TrainState = {
    ...startPosition(),
    bestValDice: -1,
    bestEpoch: -1,
    curve: [],
    initialValDice: null,
    lastVal: null,
    finished: null,
  };
  const save = (path: string): void => {
    const arrays: Record<string, Float32Array> = {};
    const meta: TrainMeta = {
      version: 1,
      kind: 'train',
      seed,
      batchSize,
      state: st,
      weightShapes: packVariables('w', weights, arrays),
      optSteps: packOptimiser('ow', opt, arrays),
    };
    saveCheckpoint(path, { meta, arrays });
  };
  try {
    if (o.resumeFrom !== undefined) {
      const ck = loadRunCheckpoint<TrainMeta>(o.resumeFrom, 'train', seed, batchSize);
      const m = ck.meta;
      unpackVariables('w', weights, m.weightShapes, ck.arrays, o.resumeFrom);
      unpackOptimiser('ow', opt, weights.length, m.optSteps, ck.arrays, o.resumeFrom);
      st = m.state;
    }
    const validateFirst = o.resumeFrom === undefined && o.validateInitial !== false;
    // Data-parallel workers start while this thread validates the untrained net.
    stepper = await openStepper(net, [{ role: 'weights', vars: weights, opt }], o.parallel, () => {
      if (validateFirst) st.initialValDice = validation().dice;
    });
    const plan = { totalSteps, stepsPerEpoch, maxEpochs, maxSteps, maxWallSeconds: maxWall };
    const ctl = new LoopControl('train', o, plan, st, save);
    ctl.start(o.resumeFrom !== undefined);
    while (st.finished === null) {
      st.finished = ctl.budgetReached();
      if (st.finished !== null) break;
      const lr = cosineLr(st.step, totalSteps, optCfg.lr, o.minLr ?? 0);
      const next = followingPosition(st, stepsPerEpoch);
      const loss = await stepper.step(0, batches.take(st), { clip, diceWeight, lr }, () =>
        batches.prepare(next),
      );
      countStep(st, loss);
      ctl.stepDone(loss, null, lr);
      const epochDone = st.stepInEpoch >= stepsPerEpoch;
      const lastStep = st.step >= maxSteps;
      if (epochDone || lastStep) {
        const val = validation();
        const trainLoss = st.lossSum / Math.max(1, st.lossCount);
        st.curve.push({ epoch: st.epoch, trainLoss, valLoss: val.loss, valDice: val.dice, lr });
        st.lastVal = { loss: val.loss, dice: val.dice };
        ctl.epochDone({ trainLoss, alphaLoss: null, valLoss: val.loss, valDice: val.dice });
        if (val.dice > st.bestValDice) {
          st.bestValDice = val.dice;
          st.bestEpoch = st.epoch;
          if (o.bestPath) {
            saveWeights(o.bestPath, net, { epoch: st.epoch, valDice: val.dice });
            ctl.checkpointWritten(o.bestPath, 'best');
          }
        }
        if (epochDone) nextEpoch(st);
      }
      await ctl.afterStep(epochDone || lastStep);
    }
    const reason = st.finished as TrainResult['reason'];
    let final = st.lastVal ?? validation();
    if (o.restoreBest !== false && o.bestPath && st.bestEpoch >= 0) {
      loadWeights(o.bestPath, net);
      final = { loss: final.loss, dice: st.bestValDice };
    }
    ctl.finish(reason, final);
    return {
      epochs: st.epoch,
      steps: st.step,
      reason,
      initialValDice: st.initialValDice,
      bestValDice: st.bestValDice,
      bestEpoch: st.bestEpoch,
      valLoss: final.loss,
      valDice: final.dice,
      curve: st.curve,
    };
  } finally {
    await stepper?.close();
    opt.dispose();
  }
}

/**
 * Seconds of one full training step (forward, loss, backward, clipping, AdamW) of `net` on
 * random `[batchSize, height, width, channels]` inputs: the fastest of `reps` after one
 * warm-up step. On backends that compute on this process's CPU (wasm, cpu) the time is the
 * process's CPU time, so a machine busy with other work plans for a free core instead of
 * for the load of the moment; elsewhere (GPU) it is wall time.
 * The net's weights move; use a throwaway net.
 */
export function timeTrainStep(
  net: SegmentationNet,
  input: { batchSize: number; height: number; width: number; channels: number; nClasses: number },
  reps = 2,
): number {
  const weights = net.weightParams();
  const opt = new AdamW(weights, WEIGHT_OPTIMISER);
  const { batchSize: b, height: h, width: w, channels: c, nClasses: k } = input;
  const clock = ['wasm', 'cpu'].includes(tf.getBackend()) ? cpuSeconds : wallSeconds;
  const step = (): number => {
    const t0 = clock();
    const batch = {
      x: tf.randomNormal([b, h, w, c]),
      y: tf.randomUniform([b, h, w], 0, k, 'int32'),
    };
    optimiseOnBatch(net, weights, opt, batch, { clip: 5, diceWeight: 1 });
    return clock() - t0;
  };
  try {
    step();
    return Math.min(...Array.from({ length: Math.max(1, reps) }, step));
  } finally {
    opt.dispose();
  }
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function wallSeconds(): number {
  return performance.now() / 1000;
}
