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
 *   changed for `patience` epochs (counted once alpha updates have begun);
 * - checkpoints (atomic) every epoch, every `checkpointIntervalSeconds` between steps, and
 *   on cancellation; `resumeFrom` continues such a checkpoint to the same result as an
 *   uninterrupted run with the same seed (all randomness is derived from seed and step).
 *
 * @example
 * const net = new SearchNetwork({ ... });
 * const r = await runSearch(net, { train, val, seed: 1, maxEpochs: 2, checkpointPath: 'run/search.ckpt' });
 * console.log(r.genotype);
 */
import { tf, type Tensor, type Tensor4D, type Variable } from '../../tensor/src/index.js';
import {
  CancelledError,
  IntegrityError,
  ResourceLimitError,
  ValidationError,
} from '../../core/src/errors.js';
import type { Genotype, SearchNet } from '../../nas/src/contracts.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { emit, type EventSink } from './events.js';
import { segmentationLoss } from './losses.js';
import { ALPHA_OPTIMISER, AdamW, WEIGHT_OPTIMISER, clipByGlobalNorm, type AdamWConfig } from './optim.js';
import { validate } from './predict.js';
import { validateAugment } from '../../data/src/index.js';
import { deriveSeed } from './rng.js';
import {
  batchAt,
  batchesPerEpoch,
  defaultAugment,
  epochOrder,
  makeBatch,
  splitHalves,
  validateSliceSet,
  type AugmentOptions,
  type SliceSet,
} from './slices.js';
import { Stopwatch, packOptimiser, packVariables, unpackOptimiser, unpackVariables } from './state-io.js';

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
  /** Global gradient-norm clip [5]. */
  gradClip?: number;
  /** Weight of the soft Dice term in the loss [1]. */
  diceWeight?: number;
  /** Weight optimiser [lr 1e-3, wd 5e-4]. */
  weightOptimiser?: AdamWConfig;
  /** Alpha optimiser [lr 3e-4, betas (0.5, 0.999), wd 1e-3]. */
  alphaOptimiser?: AdamWConfig;
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

interface SearchState {
  epoch: number;
  stepInEpoch: number;
  step: number;
  lossSum: number;
  lossCount: number;
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

interface SearchMeta {
  version: 1;
  kind: 'search';
  seed: number;
  batchSize: number;
  state: SearchState;
  weightShapes: number[][];
  alphaShapes: number[][];
  weightOptSteps: number;
  alphaOptSteps: number;
}

/** Softmax of each row of each alpha matrix, as nested arrays. */
export function softmaxAlphas(alphas: Variable[]): number[][][] {
  return alphas.map((a) => tf.tidy(() => tf.softmax(a, -1).arraySync() as number[][]));
}

function gradsInOrder(vars: Variable[], named: Record<string, Tensor>): Array<Tensor | null> {
  return vars.map((v) => named[v.name] ?? null);
}

/** One optimiser step of `vars` on the loss of a batch. Returns the loss. */
function optimiseOn(
  net: SearchNet,
  vars: Variable[],
  opt: AdamW,
  x: Tensor,
  y: Tensor,
  clip: number,
  diceWeight: number,
  lr?: number,
): number {
  const { value, grads } = tf.variableGrads(
    () => segmentationLoss(net.apply(x as Tensor4D, true), y, { diceWeight }) as tf.Scalar,
    vars,
  );
  const clipped = clipByGlobalNorm(gradsInOrder(vars, grads as Record<string, Tensor>), clip);
  opt.step(clipped.grads, lr);
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads), ...clipped.grads.filter((g): g is Tensor => g !== null)]);
  return loss;
}

function positiveInt(name: string, v: number, allowInfinity = false): void {
  if (allowInfinity && v === Infinity) return;
  if (!Number.isInteger(v) || v < 1)
    throw new ValidationError(`${name} must be a positive integer, got ${v}`);
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
  const clip = o.gradClip ?? 5;
  const diceWeight = o.diceWeight ?? 1;
  const interval = o.checkpointIntervalSeconds ?? 60;
  positiveInt('batchSize', batchSize);
  positiveInt('maxEpochs', maxEpochs);
  positiveInt('maxSteps', maxSteps, true);
  positiveInt('patience', patience);
  if (!(maxWall > 0)) throw new ValidationError(`maxWallSeconds must be > 0, got ${maxWall}`);
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new ValidationError(`alphaWarmupSteps must be an integer >= 0, got ${warmup}`);
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
  const augment = o.augment === false ? undefined : (o.augment ?? defaultAugment(o.train.height));
  if (augment) validateAugment(augment);
  const [weightHalf, alphaHalf] = splitHalves(o.train, seed);
  const stepsPerEpoch = batchesPerEpoch(weightHalf.slices.length, batchSize);
  const alphaBatches = batchesPerEpoch(alphaHalf.slices.length, batchSize);
  const totalSteps = Math.min(maxSteps, maxEpochs * stepsPerEpoch);

  const weights = net.weightParams();
  const alphas = net.archParams();
  const wOpt = new AdamW(weights, { ...WEIGHT_OPTIMISER, ...o.weightOptimiser });
  const aOpt = new AdamW(alphas, { ...ALPHA_OPTIMISER, ...o.alphaOptimiser });

  let st: SearchState = {
    epoch: 0,
    stepInEpoch: 0,
    step: 0,
    lossSum: 0,
    lossCount: 0,
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
  const resumed = o.resumeFrom !== undefined;
  try {
    if (o.resumeFrom !== undefined) {
      const ck = loadCheckpoint<SearchMeta>(o.resumeFrom);
      const m = ck.meta;
      if (m?.kind !== 'search' || m.version !== 1)
        throw new IntegrityError(`${o.resumeFrom}: not a search checkpoint`);
      if (m.seed !== seed || m.batchSize !== batchSize) {
        throw new ValidationError(
          `${o.resumeFrom}: written with seed ${m.seed} and batch size ${m.batchSize}; resume with the same values`,
        );
      }
      unpackVariables('w', weights, m.weightShapes, ck.arrays, o.resumeFrom);
      unpackVariables('a', alphas, m.alphaShapes, ck.arrays, o.resumeFrom);
      unpackOptimiser('ow', wOpt, weights.length, m.weightOptSteps, ck.arrays, o.resumeFrom);
      unpackOptimiser('oa', aOpt, alphas.length, m.alphaOptSteps, ck.arrays, o.resumeFrom);
      st = m.state;
    } else {
      st.initialValLoss = validate(net, o.val, batchSize, { diceWeight }).loss;
    }

    const watch = new Stopwatch();
    const checkpoint = (reason: 'epoch' | 'interval' | 'steps' | 'cancel'): void => {
      if (!o.checkpointPath) return;
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
      saveCheckpoint(o.checkpointPath, { meta, arrays });
      emit(o.onEvent, {
        type: 'checkpoint',
        kind: 'search',
        path: o.checkpointPath,
        epoch: st.epoch,
        stepInEpoch: st.stepInEpoch,
        step: st.step,
        reason,
      });
    };

    emit(o.onEvent, {
      type: 'start',
      kind: 'search',
      totalSteps,
      stepsPerEpoch,
      maxEpochs,
      resumed,
      epoch: st.epoch,
      step: st.step,
    });
    let lastCheckpoint = Date.now();
    const remaining = (): number => Math.max(0, totalSteps - st.step);

    while (st.finished === null) {
      // Budgets are checked between steps.
      if (st.epoch >= maxEpochs) {
        st.finished = 'max_epochs';
        break;
      }
      if (st.step >= maxSteps) {
        st.finished = 'max_steps';
        break;
      }
      if (watch.elapsed() >= maxWall) {
        st.finished = 'wall_time';
        break;
      }
      if (o.signal?.aborted) {
        checkpoint('cancel');
        throw new CancelledError(
          `search cancelled at epoch ${st.epoch}, step ${st.step}; resume from ${o.checkpointPath ?? '(no checkpoint)'}`,
        );
      }

      const wOrder = epochOrder(weightHalf.slices, seed, 1, st.epoch);
      const aOrder = epochOrder(alphaHalf.slices, seed, 2, st.epoch);
      let alphaLoss: number | null = null;
      if (st.step >= warmup) {
        const items = batchAt(aOrder, st.stepInEpoch % alphaBatches, batchSize);
        const b = makeBatch(alphaHalf, items, augment, deriveSeed(seed, 4, st.step));
        alphaLoss = optimiseOn(net, alphas, aOpt, b.x, b.y, clip, diceWeight);
        tf.dispose([b.x, b.y]);
        st.alphaLossSum += alphaLoss;
        st.alphaLossCount++;
      }
      const wb = makeBatch(
        weightHalf,
        batchAt(wOrder, st.stepInEpoch, batchSize),
        augment,
        deriveSeed(seed, 3, st.step),
      );
      const loss = optimiseOn(net, weights, wOpt, wb.x, wb.y, clip, diceWeight);
      tf.dispose([wb.x, wb.y]);
      st.lossSum += loss;
      st.lossCount++;
      st.step++;
      st.stepInEpoch++;
      watch.tick();
      emit(o.onEvent, {
        type: 'step',
        kind: 'search',
        epoch: st.epoch,
        stepInEpoch: st.stepInEpoch,
        stepsPerEpoch,
        step: st.step,
        totalSteps,
        loss,
        alphaLoss,
        lr: wOpt.config.lr,
        etaSeconds: watch.eta(remaining(), maxWall - watch.elapsed()),
      });

      if (st.stepInEpoch >= stepsPerEpoch) {
        const val = validate(net, o.val, batchSize, { diceWeight });
        const trainLoss = st.lossSum / Math.max(1, st.lossCount);
        const aLoss = st.alphaLossCount > 0 ? st.alphaLossSum / st.alphaLossCount : null;
        st.curve.push({ epoch: st.epoch, trainLoss, alphaLoss: aLoss, valLoss: val.loss, valDice: val.dice });
        st.lastVal = { loss: val.loss, dice: val.dice };
        emit(o.onEvent, {
          type: 'epoch',
          kind: 'search',
          epoch: st.epoch,
          step: st.step,
          trainLoss,
          alphaLoss: aLoss,
          valLoss: val.loss,
          valDice: val.dice,
          etaSeconds: watch.eta(remaining(), maxWall - watch.elapsed()),
          elapsedSeconds: watch.elapsed(),
        });
        const sm = softmaxAlphas(alphas);
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
        const changed = prev === undefined || JSON.stringify(prev) !== JSON.stringify(g);
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
        st.epoch++;
        st.stepInEpoch = 0;
        st.lossSum = 0;
        st.lossCount = 0;
        st.alphaLossSum = 0;
        st.alphaLossCount = 0;
        if (st.stableEpochs >= patience) st.finished = 'early_stop';
        checkpoint('epoch');
        lastCheckpoint = Date.now();
      } else if (o.checkpointEverySteps !== undefined && st.step % o.checkpointEverySteps === 0) {
        checkpoint('steps');
        lastCheckpoint = Date.now();
      } else if (Date.now() - lastCheckpoint >= interval * 1000) {
        checkpoint('interval');
        lastCheckpoint = Date.now();
      }
      // Let timers, signals and I/O callbacks run between steps.
      await new Promise((r) => setImmediate(r));
    }

    const finalVal = st.lastVal ?? validate(net, o.val, batchSize, { diceWeight });
    const genotype = st.genotypeHistory[st.genotypeHistory.length - 1] ?? net.deriveGenotype();
    const reason = st.finished as SearchResult['reason'];
    if (o.checkpointPath) {
      // Persist the finished state so resuming a finished run returns at once.
      const arrays: Record<string, Float32Array> = {};
      saveCheckpoint(o.checkpointPath, {
        meta: {
          version: 1,
          kind: 'search',
          seed,
          batchSize,
          state: st,
          weightShapes: packVariables('w', weights, arrays),
          alphaShapes: packVariables('a', alphas, arrays),
          weightOptSteps: packOptimiser('ow', wOpt, arrays),
          alphaOptSteps: packOptimiser('oa', aOpt, arrays),
        } satisfies SearchMeta,
        arrays,
      });
    }
    emit(o.onEvent, {
      type: 'done',
      kind: 'search',
      reason,
      epochs: st.epoch,
      step: st.step,
      elapsedSeconds: watch.elapsed(),
      valLoss: finalVal.loss,
      valDice: finalVal.dice,
      genotype,
    });
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
    wOpt.dispose();
    aOpt.dispose();
  }
}
