/**
 * The DARTS-style search loop (NASUNET-SPEC section 4), first-order bilevel.
 *
 * Methods overview:
 * - the training slices are split by case 50/50 into a weight half and an alpha half;
 * - each step: one alpha step on an alpha-half batch (alphas only, after `alphaWarmupSteps`
 *   steps), then one weight step on a weight-half batch (weights only); both gradients are
 *   clipped to a global norm of `gradClip`;
 * - an epoch is one pass over the weight half; after each epoch: validation, softmaxed
 *   alphas, the derived genotype, a checkpoint;
 * - stops at `maxEpochs`, `maxSteps`, `maxWallSeconds`, or when the genotype has not
 *   changed for `patience` epochs (counted once alpha updates have begun; a change is a
 *   different network, so two pairs of a node swapping places is none);
 * - checkpoints (atomic) every epoch, every `checkpointIntervalSeconds` between steps, and
 *   on cancellation; `resumeFrom` continues such a checkpoint to the same result as an
 *   uninterrupted run with the same seed (all randomness is derived from seed and step).
 *
 * @example
 * const net = new SearchNetwork({ ... });
 * const r = await runSearch(net, { train, val, seed: 1, maxEpochs: 2, checkpointPath: 'run/search.ckpt' });
 * console.log(r.genotype);
 */
import { ResourceLimitError, ValidationError } from '../../core/src/errors.js';
import type { Genotype, SearchNet } from '../../nas/src/contracts.js';
import { genotypesEqual } from '../../nas/src/genotype.js';
import { saveCheckpoint } from './checkpoint.js';
import { emit, type EventSink } from './events.js';
import { openStepper, type DataParallelOptions, type Stepper } from './data-parallel.js';
import {
  BatchPrefetch,
  LoopControl,
  countStep,
  followingPosition,
  loadRunCheckpoint,
  nextEpoch,
  positiveInt,
  resolveAugment,
  startPosition,
  type LoopPosition,
  type RunMeta,
} from './loop-control.js';
import { ALPHA_OPTIMISER, AdamW, WEIGHT_OPTIMISER, type AdamWConfig } from './optim.js';
import { validate } from './predict.js';
import { deriveSeed } from './rng.js';
import { makeSampler, type SamplingOptions } from './sampler.js';
import {
  makeHostBatch,
  splitHalves,
  validateSliceSet,
  type AugmentOptions,
  type SliceSet,
} from './slices.js';
import { packOptimiser, packVariables, unpackOptimiser, unpackVariables } from './state-io.js';

/** Options of {@link runSearch}. Defaults in brackets. */
export interface SearchOptions {
  /** Training slices (split into weight and alpha halves by case). */
  train: SliceSet;
  /** Validation slices (never trained on). */
  val: SliceSet;
  /** Seed of every random choice of the loop [0]. */
  seed?: number;
  /** Slices per batch [2]. */
  batchSize?: number;
  /** Epoch limit [10]. */
  maxEpochs?: number;
  /** Step limit [Infinity]. */
  maxSteps?: number;
  /** Wall-time limit of this call in seconds [Infinity]; checked between steps. */
  maxWallSeconds?: number;
  /** Steps before the first alpha update [0]. */
  alphaWarmupSteps?: number;
  /** Epochs with an unchanged genotype before stopping early [3]. */
  patience?: number;
  /** Steps before which the loop never stops early, however stable the genotype [0]. */
  minSteps?: number;
  /** Global gradient-norm clip [5]. */
  gradClip?: number;
  /** Weight of the soft Dice term in the loss [1]. */
  diceWeight?: number;
  /** Weight optimiser [lr 1e-3, wd 5e-4]. */
  weightOptimiser?: AdamWConfig;
  /** Alpha optimiser [lr 3e-4, betas (0.5, 0.999), wd 1e-3]. */
  alphaOptimiser?: AdamWConfig;
  /** How batches of each half are drawn [one pass over the weight half per epoch]. */
  sampling?: SamplingOptions;
  /** Training augmentation [flips + shifts of H/16, no elastic]; `false` disables. */
  augment?: AugmentOptions | false;
  /** Checkpoint file; no checkpoints when absent. */
  checkpointPath?: string;
  /** Seconds between mid-epoch checkpoints [60]. */
  checkpointIntervalSeconds?: number;
  /** Also checkpoint every this many steps [off]. */
  checkpointEverySteps?: number;
  /** Continue from this checkpoint file (written by a run with the same configuration). */
  resumeFrom?: string;
  /** Estimated bytes this configuration needs (e.g. nas's cost estimate); checked against `memoryLimitBytes`. */
  estimatedBytes?: number;
  /** Refuse to start when `estimatedBytes` exceeds this [Infinity]. */
  memoryLimitBytes?: number;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** When the wall-time budget began (`Date.now()` ms) [when the loop starts]. */
  wallClockStart?: number;
  /** Data-parallel worker threads (data-parallel.ts), for both steps [none: steps in this thread]. */
  parallel?: DataParallelOptions;
}

/** Result of a finished (or stopped) search. */
export interface SearchResult {
  genotype: Genotype;
  /** Genotype after each finished epoch. */
  genotypeHistory: Genotype[];
  /** Softmaxed alphas after each finished epoch: `[epoch][matrix: down, up, normal][edge][op]`. */
  alphaHistory: number[][][][];
  /** Validation loss before the first step (null if the run was resumed past it). */
  initialValLoss: number | null;
  valLoss: number;
  valDice: number;
  epochs: number;
  steps: number;
  reason: 'max_epochs' | 'max_steps' | 'wall_time' | 'early_stop';
  /** Training-loss curve: mean weight loss and validation loss per epoch. */
  curve: Array<{
    epoch: number;
    trainLoss: number;
    alphaLoss: number | null;
    valLoss: number;
    valDice: number;
  }>;
}

interface SearchState extends LoopPosition {
  alphaLossSum: number;
  alphaLossCount: number;
  stableEpochs: number;
  genotypeHistory: Genotype[];
  alphaHistory: number[][][][];
  curve: SearchResult['curve'];
  initialValLoss: number | null;
  lastVal: { loss: number; dice: number } | null;
  finished: SearchResult['reason'] | null;
}

interface SearchMeta extends RunMeta {
  kind: 'search';
  state: SearchState;
  weightShapes: number[][];
  alphaShapes: number[][];
  weightOptSteps: number;
  alphaOptSteps: number;
}

/** Runs (or resumes) a search on `net`; see the module doc. Throws CancelledError after checkpointing when `signal` aborts. */
export async function runSearch(net: SearchNet, o: SearchOptions): Promise<SearchResult> {
  const seed = o.seed ?? 0;
  const batchSize = o.batchSize ?? 2;
  const maxEpochs = o.maxEpochs ?? 10;
  const maxSteps = o.maxSteps ?? Infinity;
  const maxWall = o.maxWallSeconds ?? Infinity;
  const warmup = o.alphaWarmupSteps ?? 0;
  const patience = o.patience ?? 3;
  const minSteps = o.minSteps ?? 0;
  const clip = o.gradClip ?? 5;
  const diceWeight = o.diceWeight ?? 1;
  positiveInt('batchSize', batchSize);
  positiveInt('maxEpochs', maxEpochs);
  positiveInt('maxSteps', maxSteps, true);
  positiveInt('patience', patience);
  if (!(maxWall > 0)) throw new ValidationError(`maxWallSeconds must be > 0, got ${maxWall}`);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new ValidationError(`alphaWarmupSteps must be an integer >= 0, got ${warmup}`);
  if (!Number.isInteger(minSteps) || minSteps < 0)
    throw new ValidationError(`minSteps must be an integer >= 0, got ${minSteps}`);
  validateSliceSet(o.train, 'training set');
  validateSliceSet(o.val, 'validation set');
  if (
    o.estimatedBytes !== undefined &&
    o.memoryLimitBytes !== undefined &&
    o.estimatedBytes > o.memoryLimitBytes
  ) {
    throw new ResourceLimitError(
      `search needs about ${(o.estimatedBytes / 2 ** 20).toFixed(0)} MiB, over the limit of ${(o.memoryLimitBytes / 2 ** 20).toFixed(0)} MiB; ` +
        'lower the batch size, image size, channels or depth',
    );
  }
  const augment = resolveAugment(o.augment, o.train);
  const [weightHalf, alphaHalf] = splitHalves(o.train, seed);
  const sampling = o.sampling ?? { kind: 'epochs' };
  const weightSampler = makeSampler(weightHalf, batchSize, sampling, seed, 1);
  const alphaSampler = makeSampler(alphaHalf, batchSize, sampling, seed, 2);
  const stepsPerEpoch = weightSampler.stepsPerEpoch;
  const alphaBatches = alphaSampler.stepsPerEpoch;
  const weightBatchSet = { ...weightHalf, height: weightSampler.height, width: weightSampler.width };
  const alphaBatchSet = { ...alphaHalf, height: alphaSampler.height, width: alphaSampler.width };
  const totalSteps = Math.min(maxSteps, maxEpochs * stepsPerEpoch);

  const weights = net.weightParams();
  const alphas = net.archParams();
  const wOpt = new AdamW(weights, { ...WEIGHT_OPTIMISER, ...o.weightOptimiser });
  const aOpt = new AdamW(alphas, { ...ALPHA_OPTIMISER, ...o.alphaOptimiser });
  const stepSettings = { clip, diceWeight };
  const alphaPrefetch = new BatchPrefetch((p) =>
    makeHostBatch(
      alphaBatchSet,
      alphaSampler.batch(p.epoch, p.stepInEpoch % alphaBatches, p.step),
      augment,
      deriveSeed(seed, 4, p.step),
    ),
  );
  const weightPrefetch = new BatchPrefetch((p) =>
    makeHostBatch(
      weightBatchSet,
      weightSampler.batch(p.epoch, p.stepInEpoch, p.step),
      augment,
      deriveSeed(seed, 3, p.step),
    ),
  );
  let stepper: Stepper | null = null;

  let st: SearchState = {
    ...startPosition(),
    alphaLossSum: 0,
    alphaLossCount: 0,
    stableEpochs: 0,
    genotypeHistory: [],
    alphaHistory: [],
    curve: [],
    initialValLoss: null,
    lastVal: null,
    finished: null,
  };
  const save = (path: string): void => {
    const arrays: Record<string, Float32Array> = {};
    const meta: SearchMeta = {
      version: 1,
      kind: 'search',
      seed,
      batchSize,
      state: st,
      weightShapes: packVariables('w', weights, arrays),
      alphaShapes: packVariables('a', alphas, arrays),
      weightOptSteps: packOptimiser('ow', wOpt, arrays),
      alphaOptSteps: packOptimiser('oa', aOpt, arrays),
    };
    saveCheckpoint(path, { meta, arrays });
  };
  try {
    if (o.resumeFrom !== undefined) {
      const ck = loadRunCheckpoint<SearchMeta>(o.resumeFrom, 'search', seed, batchSize);
      const m = ck.meta;
      unpackVariables('w', weights, m.weightShapes, ck.arrays, o.resumeFrom);
      unpackVariables('a', alphas, m.alphaShapes, ck.arrays, o.resumeFrom);
      unpackOptimiser('ow', wOpt, weights.length, m.weightOptSteps, ck.arrays, o.resumeFrom);
      unpackOptimiser('oa', aOpt, alphas.length, m.alphaOptSteps, ck.arrays, o.resumeFrom);
      st = m.state;
    }
    const resumed = o.resumeFrom !== undefined;
    // Group 0 holds the alphas, group 1 the weights; data-parallel workers start while this
    // thread validates the untrained net.
    stepper = await openStepper(
      net,
      [
        { role: 'alphas', vars: alphas, opt: aOpt },
        { role: 'weights', vars: weights, opt: wOpt },
      ],
      o.parallel,
      () => {
        if (!resumed) st.initialValLoss = validate(net, o.val, batchSize, { diceWeight }).loss;
      },
    );
    const plan = { totalSteps, stepsPerEpoch, maxEpochs, maxSteps, maxWallSeconds: maxWall };
    const ctl = new LoopControl('search', o, plan, st, save);
    ctl.start(resumed);

    while (st.finished === null) {
      // Budgets are checked between steps.
      st.finished = ctl.budgetReached();
      if (st.finished !== null) break;

      // While the workers compute one step, this thread prepares the next step's batch.
      let alphaLoss: number | null = null;
      if (st.step >= warmup) {
        alphaLoss = await stepper.step(0, alphaPrefetch.take(st), stepSettings, () =>
          weightPrefetch.prepare(st),
        );
        st.alphaLossSum += alphaLoss;
        st.alphaLossCount++;
      }
      const next = followingPosition(st, stepsPerEpoch);
      const loss = await stepper.step(1, weightPrefetch.take(st), stepSettings, () => {
        if (next.step >= warmup) alphaPrefetch.prepare(next);
      });
      countStep(st, loss);
      ctl.stepDone(loss, alphaLoss, wOpt.config.lr);

      const epochEnded = st.stepInEpoch >= stepsPerEpoch;
      if (epochEnded) {
        const val = validate(net, o.val, batchSize, { diceWeight });
        const trainLoss = st.lossSum / Math.max(1, st.lossCount);
        const aLoss = st.alphaLossCount > 0 ? st.alphaLossSum / st.alphaLossCount : null;
        st.curve.push({ epoch: st.epoch, trainLoss, alphaLoss: aLoss, valLoss: val.loss, valDice: val.dice });
        st.lastVal = { loss: val.loss, dice: val.dice };
        ctl.epochDone({ trainLoss, alphaLoss: aLoss, valLoss: val.loss, valDice: val.dice });
        const sm = net.softmaxAlphas();
        st.alphaHistory.push(sm);
        emit(o.onEvent, {
          type: 'alphas',
          epoch: st.epoch,
          down: sm[0] ?? [],
          up: sm[1] ?? [],
          normal: sm[2] ?? [],
        });
        const g = net.deriveGenotype();
        const prev = st.genotypeHistory[st.genotypeHistory.length - 1];
        const changed = prev === undefined || !genotypesEqual(prev, g);
        const alphasMoving = st.step > warmup;
        st.stableEpochs = changed || !alphasMoving ? 0 : st.stableEpochs + 1;
        st.genotypeHistory.push(g);
        emit(o.onEvent, {
          type: 'genotype',
          epoch: st.epoch,
          genotype: g,
          changed,
          stableEpochs: st.stableEpochs,
        });
        nextEpoch(st);
        st.alphaLossSum = 0;
        st.alphaLossCount = 0;
        if (st.stableEpochs >= patience && st.step >= minSteps) st.finished = 'early_stop';
      }
      await ctl.afterStep(epochEnded);
    }

    const finalVal = st.lastVal ?? validate(net, o.val, batchSize, { diceWeight });
    const genotype = st.genotypeHistory[st.genotypeHistory.length - 1] ?? net.deriveGenotype();
    const reason = st.finished as SearchResult['reason'];
    // The finished state is saved too, so resuming a finished run returns at once.
    ctl.finish(reason, finalVal, { genotype });
    return {
      genotype,
      genotypeHistory: st.genotypeHistory,
      alphaHistory: st.alphaHistory,
      initialValLoss: st.initialValLoss,
      valLoss: finalVal.loss,
      valDice: finalVal.dice,
      epochs: st.epoch,
      steps: st.step,
      reason,
      curve: st.curve,
    };
  } finally {
    await stepper?.close();
    wOpt.dispose();
    aOpt.dispose();
  }
}
