/**
 * Training loop for any {@link SegmentationNet} (derived networks and baselines),
 * NASUNET-SPEC section 5: AdamW (lr 1e-3, wd 5e-4) with a cosine schedule over the
 * planned steps, loss CE + weighted soft Dice, gradient clipping, augmentation on training
 * slices only, validation every epoch and the best weights (by validation Dice) kept in
 * `bestPath`. Checkpoints and resume work as in the search loop.
 */
import { tf, type Tensor, type Tensor4D } from '../../tensor/src/index.js';
import { CancelledError, IntegrityError, ValidationError } from '../../core/src/errors.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { emit, type EventSink } from './events.js';
import { segmentationLoss } from './losses.js';
import { AdamW, WEIGHT_OPTIMISER, clipByGlobalNorm, cosineLr, type AdamWConfig } from './optim.js';
import { validate } from './predict.js';
import { validateAugment } from '../../data/src/index.js';
import { deriveSeed } from './rng.js';
import {
  batchAt,
  batchesPerEpoch,
  defaultAugment,
  epochOrder,
  makeBatch,
  validateSliceSet,
  type AugmentOptions,
  type SliceSet,
} from './slices.js';
import { Stopwatch, packOptimiser, packVariables, unpackOptimiser, unpackVariables } from './state-io.js';

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
  /** Training augmentation [flips + shifts of H/16, no elastic]; `false` disables. */
  augment?: AugmentOptions | false;
  checkpointPath?: string;
  /** File for the best weights (by validation Dice). */
  bestPath?: string;
  /** [60] */
  checkpointIntervalSeconds?: number;
  checkpointEverySteps?: number;
  resumeFrom?: string;
  /** Load the best weights back into `net` at the end [true]. */
  restoreBest?: boolean;
  onEvent?: EventSink;
  signal?: AbortSignal;
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

interface TrainState {
  epoch: number;
  stepInEpoch: number;
  step: number;
  lossSum: number;
  lossCount: number;
  bestValDice: number;
  bestEpoch: number;
  curve: TrainResult['curve'];
  initialValDice: number | null;
  lastVal: { loss: number; dice: number } | null;
  finished: TrainResult['reason'] | null;
}

interface TrainMeta {
  version: 1;
  kind: 'train';
  seed: number;
  batchSize: number;
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

/** Trains `net` in place; see the module doc. Throws CancelledError after checkpointing when `signal` aborts. */
export async function runTraining(net: SegmentationNet, o: TrainOptions): Promise<TrainResult> {
  const seed = o.seed ?? 0;
  const batchSize = o.batchSize ?? 4;
  const maxEpochs = o.maxEpochs ?? 10;
  const maxSteps = o.maxSteps ?? Infinity;
  const maxWall = o.maxWallSeconds ?? Infinity;
  const clip = o.gradClip ?? 5;
  const diceWeight = o.diceWeight ?? 1;
  const interval = o.checkpointIntervalSeconds ?? 60;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValidationError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1)
    throw new ValidationError(`maxEpochs must be a positive integer, got ${maxEpochs}`);
  if (!(maxSteps >= 1)) throw new ValidationError(`maxSteps must be >= 1, got ${maxSteps}`);
  if (!(maxWall > 0)) throw new ValidationError(`maxWallSeconds must be > 0, got ${maxWall}`);
  validateSliceSet(o.train, 'training set');
  validateSliceSet(o.val, 'validation set');
  const augment = o.augment === false ? undefined : (o.augment ?? defaultAugment(o.train.height));
  if (augment) validateAugment(augment);
  const stepsPerEpoch = batchesPerEpoch(o.train.slices.length, batchSize);
  const totalSteps = Math.min(maxSteps, maxEpochs * stepsPerEpoch);
  const weights = net.weightParams();
  const optCfg = { ...WEIGHT_OPTIMISER, ...o.optimiser };
  const opt = new AdamW(weights, optCfg);
  let st: TrainState = {
    epoch: 0,
    stepInEpoch: 0,
    step: 0,
    lossSum: 0,
    lossCount: 0,
    bestValDice: -1,
    bestEpoch: -1,
    curve: [],
    initialValDice: null,
    lastVal: null,
    finished: null,
  };
  const resumed = o.resumeFrom !== undefined;
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
      const ck = loadCheckpoint<TrainMeta>(o.resumeFrom);
      const m = ck.meta;
      if (m?.kind !== 'train' || m.version !== 1)
        throw new IntegrityError(`${o.resumeFrom}: not a training checkpoint`);
      if (m.seed !== seed || m.batchSize !== batchSize) {
        throw new ValidationError(
          `${o.resumeFrom}: written with seed ${m.seed} and batch size ${m.batchSize}; resume with the same values`,
        );
      }
      unpackVariables('w', weights, m.weightShapes, ck.arrays, o.resumeFrom);
      unpackOptimiser('ow', opt, weights.length, m.optSteps, ck.arrays, o.resumeFrom);
      st = m.state;
    } else {
      st.initialValDice = validate(net, o.val, batchSize, { diceWeight }).dice;
    }
    const watch = new Stopwatch();
    const checkpoint = (reason: 'epoch' | 'interval' | 'steps' | 'cancel'): void => {
      if (!o.checkpointPath) return;
      save(o.checkpointPath);
      emit(o.onEvent, {
        type: 'checkpoint',
        kind: 'train',
        path: o.checkpointPath,
        epoch: st.epoch,
        stepInEpoch: st.stepInEpoch,
        step: st.step,
        reason,
      });
    };
    emit(o.onEvent, {
      type: 'start',
      kind: 'train',
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
          `training cancelled at epoch ${st.epoch}, step ${st.step}; resume from ${o.checkpointPath ?? '(no checkpoint)'}`,
        );
      }
      const order = epochOrder(o.train.slices, seed, 5, st.epoch);
      const lr = cosineLr(st.step, totalSteps, optCfg.lr, o.minLr ?? 0);
      const b = makeBatch(
        o.train,
        batchAt(order, st.stepInEpoch, batchSize),
        augment,
        deriveSeed(seed, 6, st.step),
      );
      const { value, grads } = tf.variableGrads(
        () => segmentationLoss(net.apply(b.x as Tensor4D, true), b.y, { diceWeight }) as tf.Scalar,
        weights,
      );
      const clipped = clipByGlobalNorm(
        weights.map((v) => (grads as Record<string, Tensor>)[v.name] ?? null),
        clip,
      );
      opt.step(clipped.grads, lr);
      const loss = value.dataSync()[0] as number;
      tf.dispose([
        value,
        b.x,
        b.y,
        ...Object.values(grads),
        ...clipped.grads.filter((g): g is Tensor => g !== null),
      ]);
      st.lossSum += loss;
      st.lossCount++;
      st.step++;
      st.stepInEpoch++;
      watch.tick();
      emit(o.onEvent, {
        type: 'step',
        kind: 'train',
        epoch: st.epoch,
        stepInEpoch: st.stepInEpoch,
        stepsPerEpoch,
        step: st.step,
        totalSteps,
        loss,
        alphaLoss: null,
        lr,
        etaSeconds: watch.eta(remaining(), maxWall - watch.elapsed()),
      });
      const epochDone = st.stepInEpoch >= stepsPerEpoch;
      const lastStep = st.step >= maxSteps;
      if (epochDone || lastStep) {
        const val = validate(net, o.val, batchSize, { diceWeight });
        const trainLoss = st.lossSum / Math.max(1, st.lossCount);
        st.curve.push({ epoch: st.epoch, trainLoss, valLoss: val.loss, valDice: val.dice, lr });
        st.lastVal = { loss: val.loss, dice: val.dice };
        emit(o.onEvent, {
          type: 'epoch',
          kind: 'train',
          epoch: st.epoch,
          step: st.step,
          trainLoss,
          alphaLoss: null,
          valLoss: val.loss,
          valDice: val.dice,
          etaSeconds: watch.eta(remaining(), maxWall - watch.elapsed()),
          elapsedSeconds: watch.elapsed(),
        });
        if (val.dice > st.bestValDice) {
          st.bestValDice = val.dice;
          st.bestEpoch = st.epoch;
          if (o.bestPath) {
            saveWeights(o.bestPath, net, { epoch: st.epoch, valDice: val.dice });
            emit(o.onEvent, {
              type: 'checkpoint',
              kind: 'train',
              path: o.bestPath,
              epoch: st.epoch,
              stepInEpoch: st.stepInEpoch,
              step: st.step,
              reason: 'best',
            });
          }
        }
        if (epochDone) {
          st.epoch++;
          st.stepInEpoch = 0;
          st.lossSum = 0;
          st.lossCount = 0;
        }
        checkpoint('epoch');
        lastCheckpoint = Date.now();
      } else if (o.checkpointEverySteps !== undefined && st.step % o.checkpointEverySteps === 0) {
        checkpoint('steps');
        lastCheckpoint = Date.now();
      } else if (Date.now() - lastCheckpoint >= interval * 1000) {
        checkpoint('interval');
        lastCheckpoint = Date.now();
      }
      await new Promise((r) => setImmediate(r));
    }
    const reason = st.finished as TrainResult['reason'];
    let final = st.lastVal ?? validate(net, o.val, batchSize, { diceWeight });
    if (o.restoreBest !== false && o.bestPath && st.bestEpoch >= 0) {
      loadWeights(o.bestPath, net);
      final = { loss: final.loss, dice: st.bestValDice };
    }
    if (o.checkpointPath) save(o.checkpointPath);
    emit(o.onEvent, {
      type: 'done',
      kind: 'train',
      reason,
      epochs: st.epoch,
      step: st.step,
      elapsedSeconds: watch.elapsed(),
      valLoss: final.loss,
      valDice: final.dice,
    });
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
    opt.dispose();
  }
}
