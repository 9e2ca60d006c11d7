/**
 * Scaffolding shared by the search and training loops: option checks, resuming from a
 * checkpoint, the budgets and cancellation checked between steps, checkpoint timing,
 * progress events with ETA, and one clipped optimiser step on a batch.
 */
import { tf, type Tensor, type Tensor4D, type Variable } from '../../tensor/src/index.js';
import { CancelledError, IntegrityError, ValidationError } from '../../core/src/errors.js';
import type { Genotype, SegmentationNet } from '../../nas/src/contracts.js';
import { validateAugment } from '../../data/src/index.js';
import { loadCheckpoint, type CheckpointContent } from './checkpoint.js';
import { emit, type CheckpointEvent, type DoneEvent, type EventSink, type RunKind } from './events.js';
import { segmentationLoss } from './losses.js';
import type { AdamW } from './optim.js';
import { defaultAugment, type AugmentOptions, type Batch, type HostBatch, type SliceSet } from './slices.js';
import { Stopwatch } from './state-io.js';

/** How each loop names itself in messages. */
const RUN_NOUN: Record<RunKind, string> = { search: 'search', train: 'training' };

/** Throws `ValidationError` unless `v` is a positive integer (or Infinity when allowed). */
export function positiveInt(name: string, v: number, allowInfinity = false): void {
  if (allowInfinity && v === Infinity) return;
  if (!Number.isInteger(v) || v < 1)
    throw new ValidationError(`${name} must be a positive integer, got ${v}`);
}

/**
 * The training augmentation of a run, validated: `false` disables it, absent means
 * {@link defaultAugment} for the training slices' height.
 */
export function resolveAugment(
  augment: AugmentOptions | false | undefined,
  train: SliceSet,
): AugmentOptions | undefined {
  const resolved = augment === false ? undefined : (augment ?? defaultAugment(train.height));
  if (resolved) validateAugment(resolved);
  return resolved;
}

/** Metadata fields every loop checkpoint starts with. */
export interface RunMeta {
  version: 1;
  kind: RunKind;
  seed: number;
  batchSize: number;
}

/**
 * Loads the checkpoint `path` of a `kind` loop to resume it. Throws `IntegrityError` when
 * it is another kind or version, `ValidationError` when it was written with another seed
 * or batch size.
 */
export function loadRunCheckpoint<M extends RunMeta>(
  path: string,
  kind: M['kind'],
  seed: number,
  batchSize: number,
): CheckpointContent<M> {
  const ck = loadCheckpoint<M>(path);
  const m = ck.meta;
  if (m?.kind !== kind || m.version !== 1)
    throw new IntegrityError(`${path}: not a ${RUN_NOUN[kind]} checkpoint`);
  if (m.seed !== seed || m.batchSize !== batchSize) {
    throw new ValidationError(
      `${path}: written with seed ${m.seed} and batch size ${m.batchSize}; resume with the same values`,
    );
  }
  return ck;
}

/** Where a loop stands; part of the state its checkpoints hold. */
export interface LoopPosition {
  /** 0-based epoch. */
  epoch: number;
  /** Steps done in the current epoch. */
  stepInEpoch: number;
  /** Global steps done. */
  step: number;
  /** Sum and count of the weight-step losses of the current epoch. */
  lossSum: number;
  lossCount: number;
}

/** The position of a run that has not stepped yet. */
export function startPosition(): LoopPosition {
  return { epoch: 0, stepInEpoch: 0, step: 0, lossSum: 0, lossCount: 0 };
}

/** Moves `p` to the first step of the next epoch and clears the epoch's loss sums. */
export function nextEpoch(p: LoopPosition): void {
  p.epoch++;
  p.stepInEpoch = 0;
  p.lossSum = 0;
  p.lossCount = 0;
}

/** Records one step's weight loss in `p` and advances it by one step. */
export function countStep(p: LoopPosition, loss: number): void {
  p.lossSum += loss;
  p.lossCount++;
  p.step++;
  p.stepInEpoch++;
}

/** Where the step after `p` stands (the first of the next epoch after an epoch's last). */
export function followingPosition(
  p: Pick<LoopPosition, 'epoch' | 'stepInEpoch' | 'step'>,
  stepsPerEpoch: number,
): Pick<LoopPosition, 'epoch' | 'stepInEpoch' | 'step'> {
  const ends = p.stepInEpoch + 1 >= stepsPerEpoch;
  return {
    epoch: ends ? p.epoch + 1 : p.epoch,
    stepInEpoch: ends ? 0 : p.stepInEpoch + 1,
    step: p.step + 1,
  };
}

/**
 * Host batches of a loop by position, one of them prepared ahead (while other threads
 * compute a step); a batch is a pure function of the position, so prefetching never
 * changes what a step sees.
 */
export class BatchPrefetch {
  private ahead: { step: number; batch: HostBatch } | null = null;
  constructor(
    private readonly make: (p: Pick<LoopPosition, 'epoch' | 'stepInEpoch' | 'step'>) => HostBatch,
  ) {}
  /** The batch of position `p` (the prepared one when it is that step's). */
  take(p: Pick<LoopPosition, 'epoch' | 'stepInEpoch' | 'step'>): HostBatch {
    const a = this.ahead;
    this.ahead = null;
    return a !== null && a.step === p.step ? a.batch : this.make(p);
  }
  /** Prepares the batch of position `p` for a later {@link take}. */
  prepare(p: Pick<LoopPosition, 'epoch' | 'stepInEpoch' | 'step'>): void {
    this.ahead = { step: p.step, batch: this.make(p) };
  }
}

/** Settings of {@link optimiseOnBatch}. */
export interface StepSettings {
  /** Global gradient-norm clip. */
  clip: number;
  /** Weight of the soft Dice term in the loss. */
  diceWeight: number;
  /** Learning rate of this step [the optimiser's]. */
  lr?: number;
}

/**
 * The segmentation loss of `batch` (NHWC `x`, labels `y`) and the gradients of `vars`, in
 * their order (null for a variable the loss does not depend on). Disposes the batch; the
 * caller disposes the gradients.
 */
export function lossAndGradients(
  net: SegmentationNet,
  vars: Variable[],
  batch: Batch,
  diceWeight: number,
): { loss: number; grads: Array<Tensor | null> } {
  const { value, grads } = tf.variableGrads(
    () => segmentationLoss(net.apply(batch.x as Tensor4D, true), batch.y, { diceWeight }) as tf.Scalar,
    vars,
  );
  const named = grads as Record<string, Tensor>;
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, batch.x, batch.y]);
  return { loss, grads: vars.map((v) => named[v.name] ?? null) };
}

/**
 * One optimiser step of `vars` on the segmentation loss of `batch` (NHWC `x`, labels `y`),
 * gradients clipped to a global norm. Disposes the batch; returns the loss.
 */
export function optimiseOnBatch(
  net: SegmentationNet,
  vars: Variable[],
  opt: AdamW,
  batch: Batch,
  s: StepSettings,
): number {
  const { loss, grads } = lossAndGradients(net, vars, batch, s.diceWeight);
  opt.step(grads, { lr: s.lr, clipNorm: s.clip });
  tf.dispose(grads.filter((g): g is Tensor => g !== null));
  return loss;
}

/** The step plan and budgets of a run, defaults resolved. */
export interface LoopPlan {
  /** Planned total steps (the smaller of the step and epoch budgets). */
  totalSteps: number;
  stepsPerEpoch: number;
  maxEpochs: number;
  maxSteps: number;
  /** Wall-time budget of this call in seconds. */
  maxWallSeconds: number;
}

/** The options of a run that {@link LoopControl} acts on (both loops' options have them). */
export interface LoopIo {
  /** Checkpoint file; no checkpoints when absent. */
  checkpointPath?: string;
  /** Seconds between checkpoints inside an epoch [60]. */
  checkpointIntervalSeconds?: number;
  /** Also checkpoint every this many steps [off]. */
  checkpointEverySteps?: number;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /**
   * When the wall-time budget began (`Date.now()` milliseconds), e.g. when the command
   * started, so loading and the first validation count against it [when the loop starts].
   */
  wallClockStart?: number;
}

/** Why a loop stopped before a step. */
export type BudgetReason = 'max_epochs' | 'max_steps' | 'wall_time';

/**
 * Budgets, cancellation, checkpoint timing and progress events of one loop run. Create it
 * once the run is ready to step (after resuming and the initial validation): its
 * stopwatch starts then.
 */
export class LoopControl {
  /** Wall time and step rate of this call. */
  private readonly watch = new Stopwatch();
  private lastCheckpoint = Date.now();
  private readonly intervalMs: number;

  /**
   * @param io the run's options (checkpoint file and timing, event sink, abort signal)
   * @param position the loop's live position (read at every call)
   * @param save writes the loop's full state as a checkpoint to a path
   */
  constructor(
    private readonly kind: RunKind,
    private readonly io: LoopIo,
    private readonly plan: LoopPlan,
    private readonly position: LoopPosition,
    private readonly save: (path: string) => void,
  ) {
    this.intervalMs = (io.checkpointIntervalSeconds ?? 60) * 1000;
  }

  /** When this loop control was made (the default start of the wall-time budget). */
  private readonly startedAt = Date.now();

  /** Emits the start event and starts the checkpoint interval. */
  start(resumed: boolean): void {
    const p = this.position;
    emit(this.io.onEvent, {
      type: 'start',
      kind: this.kind,
      totalSteps: this.plan.totalSteps,
      stepsPerEpoch: this.plan.stepsPerEpoch,
      maxEpochs: this.plan.maxEpochs,
      resumed,
      epoch: p.epoch,
      step: p.step,
    });
    this.lastCheckpoint = Date.now();
  }

  /**
   * Checked before each step: the budget that ends the run, or null to go on. When the
   * signal has aborted, checkpoints and throws `CancelledError`.
   */
  budgetReached(): BudgetReason | null {
    const p = this.position;
    if (p.epoch >= this.plan.maxEpochs) return 'max_epochs';
    if (p.step >= this.plan.maxSteps) return 'max_steps';
    // Stop before a step that would end past the budget (a step's mean time includes the
    // validation passes and checkpoints so far).
    const budgetElapsed = (Date.now() - (this.io.wallClockStart ?? this.startedAt)) / 1000;
    if (budgetElapsed + (this.watch.secondsPerStep() ?? 0) >= this.plan.maxWallSeconds) return 'wall_time';
    if (this.io.signal?.aborted) {
      this.checkpoint('cancel');
      throw new CancelledError(
        `${RUN_NOUN[this.kind]} cancelled at epoch ${p.epoch}, step ${p.step}; resume from ${this.io.checkpointPath ?? '(no checkpoint)'}`,
      );
    }
    return null;
  }

  /** Seconds left under the current budgets; null before the first step. */
  eta(): number | null {
    const remaining = Math.max(0, this.plan.totalSteps - this.position.step);
    const budgetElapsed = (Date.now() - (this.io.wallClockStart ?? this.startedAt)) / 1000;
    return this.watch.eta(remaining, this.plan.maxWallSeconds - budgetElapsed);
  }

  /** Records a finished step (after {@link countStep}) and emits its event. */
  stepDone(loss: number, alphaLoss: number | null, lr: number): void {
    const p = this.position;
    this.watch.tick();
    emit(this.io.onEvent, {
      type: 'step',
      kind: this.kind,
      epoch: p.epoch,
      stepInEpoch: p.stepInEpoch,
      stepsPerEpoch: this.plan.stepsPerEpoch,
      step: p.step,
      totalSteps: this.plan.totalSteps,
      loss,
      alphaLoss,
      lr,
      etaSeconds: this.eta(),
    });
  }

  /** Emits the epoch event of the current epoch. */
  epochDone(f: { trainLoss: number; alphaLoss: number | null; valLoss: number; valDice: number }): void {
    const p = this.position;
    emit(this.io.onEvent, {
      type: 'epoch',
      kind: this.kind,
      epoch: p.epoch,
      step: p.step,
      trainLoss: f.trainLoss,
      alphaLoss: f.alphaLoss,
      valLoss: f.valLoss,
      valDice: f.valDice,
      etaSeconds: this.eta(),
      elapsedSeconds: this.watch.elapsed(),
    });
  }

  /** Emits a checkpoint event for a file written at the current position. */
  checkpointWritten(path: string, reason: CheckpointEvent['reason']): void {
    const p = this.position;
    emit(this.io.onEvent, {
      type: 'checkpoint',
      kind: this.kind,
      path,
      epoch: p.epoch,
      stepInEpoch: p.stepInEpoch,
      step: p.step,
      reason,
    });
  }

  /**
   * Ends a step: checkpoints at the end of an epoch, otherwise when the step count or the
   * interval is due; then lets timers, signals and I/O callbacks run.
   */
  async afterStep(epochEnded: boolean): Promise<void> {
    if (epochEnded) this.checkpoint('epoch');
    else this.checkpointIfDue();
    await new Promise((r) => setImmediate(r));
  }

  /** Writes a checkpoint (when the run has a checkpoint path) and restarts the interval. */
  private checkpoint(reason: 'epoch' | 'interval' | 'steps' | 'cancel'): void {
    if (this.io.checkpointPath) {
      this.save(this.io.checkpointPath);
      this.checkpointWritten(this.io.checkpointPath, reason);
    }
    this.lastCheckpoint = Date.now();
  }

  private checkpointIfDue(): void {
    const every = this.io.checkpointEverySteps;
    if (every !== undefined && this.position.step % every === 0) this.checkpoint('steps');
    else if (Date.now() - this.lastCheckpoint >= this.intervalMs) this.checkpoint('interval');
  }

  /**
   * Ends the run: saves the finished state (so resuming it returns at once) and emits the
   * done event with the final validation figures.
   */
  finish(
    reason: DoneEvent['reason'],
    final: { loss: number; dice: number },
    extra: { genotype?: Genotype } = {},
  ): void {
    if (this.io.checkpointPath) this.save(this.io.checkpointPath);
    const p = this.position;
    emit(this.io.onEvent, {
      type: 'done',
      kind: this.kind,
      reason,
      epochs: p.epoch,
      step: p.step,
      elapsedSeconds: this.watch.elapsed(),
      valLoss: final.loss,
      valDice: final.dice,
      ...extra,
    });
  }
}
