/**
 * The compute of one training job, run in the job's own process (training-process.ts):
 * read the fetched dataset, build the network (derived NAS-Unet from the genotype, or
 * U-Net), run the engine's training loop (checkpointing, resuming, cancellable), publish
 * its events to the job and pack the trained model bundle.
 */
import {
  RECIPE_AUGMENT,
  planInference,
  trainedMirrorAxes,
  RECIPE_FOREGROUND_SHARE,
  batchesPerEpoch,
  runTraining,
  type EngineEvent,
} from '../../../libs/engine/src/index.js';
import { inOrder, type JobContext, type JobRecord } from '../../../libs/jobs/src/index.js';
import {
  assertFitsMemory,
  createModel,
  createModelBundle,
  estimateCost,
} from '../../../libs/nas/src/index.js';
import { prepareSlices } from '../../common/src/dataset-slices.js';
import { checkpointEventData, startEventData } from '../../common/src/job-run.js';
import type { TrainingEpochPayload, TrainingStepPayload } from './training-mapping.js';
import type { TrainingParams } from './training-params.js';
import { modelSpec } from './training-spec.js';

/** What the service passes to a training job's process. */
export interface TrainingComputeInput {
  /** Folder of the job's dataset, fetched by the service (kept while the job runs). */
  datasetDir: string;
  /** Class names registered with the dataset. */
  classNames: string[];
  /** Digest of the dataset, recorded in the bundle. */
  datasetDigest: string;
  /** The checkpoint file this attempt writes. */
  checkpointPath: string;
  /** The checkpoint this attempt resumes from: the last one the job recorded (absent: a fresh start). */
  resumeFrom?: string;
  /** The best-weights file this attempt writes (holding the resumed attempt's best at start). */
  bestPath: string;
  /** When the job started (ms since the epoch), for its wall-clock budget. */
  startedAt: number;
  memoryLimitBytes: number;
  checkpointIntervalSeconds: number;
  checkpointEverySteps: number;
}

/** What a training job's process returns: the model bundle and how the training went. */
export interface TrainingOutcome {
  /** Names of the dataset's classes, background first. */
  classNames: string[];
  metrics: {
    best_validation_dice: number;
    best_epoch: number;
    validation_dice: number;
    validation_loss: number;
    epochs: number;
    steps: number;
  };
  manifestJson: string;
  weights: Uint8Array;
}

/** Trains the network of `job` on the fetched dataset and packs its bundle. */
export async function computeTraining(
  job: JobRecord,
  ctx: JobContext,
  input: TrainingComputeInput,
): Promise<TrainingOutcome> {
  const p = job.params as TrainingParams;
  const padMultiple = p.architecture.kind === 'unet' ? 2 ** p.hyper.depth : 2 ** (p.hyper.depth + 1);
  const data = await prepareSlices(input.datasetDir, {
    padMultiple,
    validationFraction: p.hyper.validationFraction,
    seed: p.seed,
    maxCases: p.hyper.maxCases,
    classNames: input.classNames,
    contextSlices: p.hyper.contextSlices ?? 0,
  });
  const spec = modelSpec(p, data.classes.length);
  const estimate = estimateCost(spec, {
    batch: p.hyper.batchSize,
    height: data.train.height,
    width: data.train.width,
  });
  assertFitsMemory(estimate, input.memoryLimitBytes);

  const { later, settled } = inOrder();
  const onEvent = (e: EngineEvent): void => {
    if (e.type === 'step') {
      const d: TrainingStepPayload = {
        epoch: e.epoch + 1,
        step: e.step,
        stepsPerEpoch: e.stepsPerEpoch,
        totalSteps: e.totalSteps,
        loss: e.loss,
        learningRate: e.lr,
        etaSeconds: e.etaSeconds ?? -1,
      };
      later(() => ctx.publish('step', d));
      later(() => ctx.report({ progress: Math.min(1, e.step / Math.max(1, e.totalSteps)) }));
    } else if (e.type === 'epoch') {
      const d: TrainingEpochPayload = {
        epoch: e.epoch + 1,
        trainLoss: e.trainLoss,
        validationLoss: e.valLoss,
        validationDice: e.valDice,
        etaSeconds: e.etaSeconds ?? -1,
        epochSeconds: e.elapsedSeconds,
      };
      later(() => ctx.publish('epoch', d));
    } else if (e.type === 'checkpoint' && e.reason !== 'best') {
      // The best weights are no resumable checkpoint; the job records only those that are.
      later(() => ctx.report({ checkpoint: e.path }));
      later(() => ctx.publish('checkpoint', checkpointEventData(e)));
    } else if (e.type === 'start') {
      later(() => ctx.publish('start', startEventData(e)));
    }
  };

  const { checkpointPath } = input;
  const net = createModel(spec.architecture, spec.config, {
    seed: p.seed,
    ...(spec.genotype ? { genotype: spec.genotype } : {}),
  });
  try {
    const result = await runTraining(net, {
      train: data.train,
      val: data.val,
      seed: p.seed,
      batchSize: p.hyper.batchSize,
      maxEpochs: p.hyper.epochs,
      ...(p.hyper.maxSteps > 0 ? { maxSteps: p.hyper.maxSteps } : {}),
      ...(p.hyper.maxSeconds > 0
        ? { maxWallSeconds: p.hyper.maxSeconds, wallClockStart: input.startedAt }
        : {}),
      diceWeight: p.hyper.diceWeight,
      optimiser: { lr: p.hyper.learningRate, weightDecay: p.hyper.weightDecay },
      // The training recipe: a third of each batch from foreground, left-right flips; an
      // epoch stays one pass's worth of steps.
      sampling: {
        kind: 'foreground',
        foregroundShare: RECIPE_FOREGROUND_SHARE,
        stepsPerEpoch: batchesPerEpoch(data.train.slices.length, p.hyper.batchSize),
      },
      augment: p.hyper.augment ? RECIPE_AUGMENT : false,
      checkpointPath,
      bestPath: input.bestPath,
      checkpointIntervalSeconds: input.checkpointIntervalSeconds,
      ...(input.checkpointEverySteps > 0 ? { checkpointEverySteps: input.checkpointEverySteps } : {}),
      ...(input.resumeFrom !== undefined ? { resumeFrom: input.resumeFrom } : {}),
      onEvent,
      signal: ctx.signal,
    });
    await settled();
    // Mirroring and postprocessing, chosen on the validation cases as `nasunet train` does.
    const inference = planInference(net, data.val, {
      trainedMirrorAxes: trainedMirrorAxes(p.hyper.augment ? RECIPE_AUGMENT : false),
    });
    const metrics = {
      best_validation_dice: result.bestValDice,
      best_epoch: result.bestEpoch + 1,
      validation_dice: result.valDice,
      validation_loss: result.valLoss,
      epochs: result.epochs,
      steps: result.steps,
    };
    const bundle = createModelBundle(net, {
      architecture: { key: spec.architecture as 'nasunet' | 'unet', config: spec.config },
      genotype: (spec.genotype as never) ?? null,
      preprocessing: {
        inputChannels: data.train.channels,
        contextSlices: data.preprocessing.contextSlices,
        sliceAxis: data.preprocessing.sliceAxis,
        ...data.grid,
        normalization: data.preprocessing.normalization,
        padMultiple: data.preprocessing.padMultiple,
        padMode: data.preprocessing.padMode,
        inputSize: [data.train.height, data.train.width],
        classes: data.classes.map((c) => ({
          code: c.code,
          name: c.name,
          ...(c.segment ? { segment: c.segment } : {}),
        })),
      },
      inference: inference.settings,
      metadata: {
        trainingJobId: job.id,
        datasetDigest: input.datasetDigest,
        metrics,
        inferencePlan: inference.choices,
      },
    });
    return {
      classNames: data.classes.map((c) => c.name),
      metrics,
      manifestJson: JSON.stringify(bundle.manifest),
      weights: bundle.weights,
    };
  } finally {
    await settled();
    net.dispose();
  }
}
