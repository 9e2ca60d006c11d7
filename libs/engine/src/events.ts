/**
 * Progress events of long runs. Every event is a plain JSON-serialisable object with a
 * `type` discriminator, so services can stream them unchanged.
 */
import type { Genotype } from '../../nas/src/contracts.js';

/** Which loop produced an event. */
export type RunKind = 'search' | 'train';

/** A run started (or resumed). */
export interface StartEvent {
  type: 'start';
  kind: RunKind;
  /** Planned total steps (max budget). */
  totalSteps: number;
  stepsPerEpoch: number;
  maxEpochs: number;
  resumed: boolean;
  /** Epoch and step the run starts from (0-based epoch, global step). */
  epoch: number;
  step: number;
}

/** One optimisation step finished. */
export interface StepEvent {
  type: 'step';
  kind: RunKind;
  epoch: number;
  /** Step inside the epoch, 1-based after this step. */
  stepInEpoch: number;
  stepsPerEpoch: number;
  /** Global step count after this step. */
  step: number;
  totalSteps: number;
  /** Weight-step training loss. */
  loss: number;
  /** Alpha-step loss (search only, null during warm-up). */
  alphaLoss: number | null;
  lr: number;
  /** Estimated seconds left under the current budget; null before the first step's timing. */
  etaSeconds: number | null;
}

/** An epoch finished, with its validation figures. */
export interface EpochEvent {
  type: 'epoch';
  kind: RunKind;
  /** 0-based index of the finished epoch. */
  epoch: number;
  step: number;
  trainLoss: number;
  /** Mean alpha-step loss over the epoch (search), null if none happened. */
  alphaLoss: number | null;
  valLoss: number;
  /** Mean hard foreground Dice on the validation slices. */
  valDice: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
}

/** Softmaxed architecture weights after an epoch (search only); rows = edges, columns = ops. */
export interface AlphasEvent {
  type: 'alphas';
  epoch: number;
  down: number[][];
  up: number[][];
  normal: number[][];
}

/** The genotype derived after an epoch (search only). */
export interface GenotypeEvent {
  type: 'genotype';
  epoch: number;
  genotype: Genotype;
  changed: boolean;
  /** Consecutive epochs without a change. */
  stableEpochs: number;
}

/** A checkpoint file was written. */
export interface CheckpointEvent {
  type: 'checkpoint';
  kind: RunKind;
  path: string;
  epoch: number;
  stepInEpoch: number;
  step: number;
  reason: 'epoch' | 'interval' | 'steps' | 'cancel' | 'best';
}

/** The configuration a run was planned with (automatic configuration), one reason per choice. */
export interface PlanEvent {
  type: 'plan';
  /** The search or training plan, or (after training) how the model will segment. */
  kind: RunKind | 'inference';
  choices: Array<{ name: string; value: unknown; reason: string }>;
}

/** The dataset a run uses was loaded; names every case left out as unreadable (`--skip-bad-cases`). */
export interface DataEvent {
  type: 'data';
  kind: RunKind;
  cases: number;
  skipped: Array<{ id: string; file: string; reason: string }>;
}

/** Something the user should know before the run's result: it goes on, but may disappoint. */
export interface WarningEvent {
  type: 'warning';
  kind: RunKind;
  message: string;
}

/** The run ended. */
export interface DoneEvent {
  type: 'done';
  kind: RunKind;
  reason: 'max_epochs' | 'max_steps' | 'wall_time' | 'early_stop' | 'cancelled';
  epochs: number;
  step: number;
  elapsedSeconds: number;
  /** Final validation figures. */
  valLoss: number;
  valDice: number;
  genotype?: Genotype;
}

/** Any engine event. */
export type EngineEvent =
  | StartEvent
  | StepEvent
  | EpochEvent
  | AlphasEvent
  | GenotypeEvent
  | CheckpointEvent
  | PlanEvent
  | DataEvent
  | WarningEvent
  | DoneEvent;

/** Receives events; must not throw (errors are ignored by the loops). */
export type EventSink = (e: EngineEvent) => void;

/** Calls `sink` and swallows its errors so a broken listener cannot stop a run. */
export function emit(sink: EventSink | undefined, e: EngineEvent): void {
  if (!sink) return;
  try {
    sink(e);
  } catch {
    /* a listener's failure must not break the run */
  }
}
