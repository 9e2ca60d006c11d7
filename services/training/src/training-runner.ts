/**
 * The work of one training job: fetch the dataset, build the network (derived NAS-Unet
 * from the genotype, or U-Net), run the engine's training loop (checkpointing, resuming,
 * cancellable), pack a model bundle and upload it with metrics and lineage.
 */
import { join } from 'node:path';
import {
  RECIPE_AUGMENT,
  RECIPE_FOREGROUND_SHARE,
  batchesPerEpoch,
  runTraining,
  type EngineEvent,
} from '../../../libs/engine/src/index.js';
import type { JobContext, JobRecord } from '../../../libs/jobs/src/index.js';
import {
  assertFitsMemory,
  createModel,
  createModelBundle,
  estimateCost,
  type CostModel,
} from '../../../libs/nas/src/index.js';
import { prepareSlices } from '../../common/src/dataset-slices.js';
import type { DatasetCache } from '../../common/src/dataset-cache.js';
import {
  checkpointDir,
  inOrder,
  jobCheckpointPath,
  resumeCheckpoint,
  withJobDataset,
} from '../../common/src/job-run.js';
import { MANIFEST_ARTIFACT, WEIGHTS_ARTIFACT } from '../../common/src/model-loader.js';
import type { RegistryGateway } from '../../common/src/registry-gateway.js';
import { recordSpan } from '../../../libs/telemetry/src/index.js';
import type { TrainingEpochPayload, TrainingJobResult, TrainingStepPayload } from './training-mapping.js';
import type { TrainingParams } from './training-params.js';

/** Where and how the runner works. */
export interface TrainingRunnerOptions {
  /** Folder of this service's files (checkpoints). */
  workDir: string;
  /** Where datasets are fetched to. */
  datasets: DatasetCache;
  memoryLimitBytes: number;
  checkpointIntervalSeconds: number;
  checkpointEverySteps: number;
}

/** Architecture key, config and genotype of a job's network for `nClasses` classes. */
export function modelSpec(
  p: TrainingParams,
  nClasses: number,
): CostModel & { config: Record<string, number> } {
  if (p.architecture.kind === 'unet') {
    return {
      architecture: 'unet',
      config: { inChannels: 1, nClasses, baseWidth: p.hyper.initChannels, depth: p.hyper.depth },
    };
  }
  const genotype = JSON.parse(p.architecture.genotypeJson) as { nodes: number };
  return {
    architecture: 'nasunet',
    config: {
      inChannels: 1,
      nClasses,
      channels: p.hyper.initChannels,
      depth: p.hyper.depth,
      nodes: genotype.nodes,
    },
    genotype,
  };
}

/** Estimated training memory; `ResourceLimitError` over the limit (2 classes assumed before the data is read). */
export function checkTrainingCost(p: TrainingParams, limitBytes: number, nClasses = 2): void {
  const est = estimateCost(modelSpec(p, nClasses), {
    batch: p.hyper.batchSize,
    height: p.hyper.imageSize,
    width: p.hyper.imageSize,
  });
  assertFitsMemory(est, limitBytes);
}

/** Runs one training job to its registered model version. */
export async function runTrainingJob(
  job: JobRecord<TrainingParams>,
  ctx: JobContext,
  registry: RegistryGateway,
  options: TrainingRunnerOptions,
): Promise<TrainingJobResult> {
  const p = job.params;
  const startedAt = Date.now();
  const padMultiple = p.architecture.kind === 'unet' ? 2 ** p.hyper.depth : 2 ** (p.hyper.depth + 1);
  const { record, data } = await withJobDataset(options.datasets, p.dataset, ctx.signal, async (local) => ({
    record: local.record,
    data: await prepareSlices(local.dir, {
      padMultiple,
      validationFraction: p.hyper.validationFraction,
      seed: p.seed,
      maxCases: p.hyper.maxCases,
      classNames: local.record.classNames,
    }),
  }));
  const spec = modelSpec(p, data.classes.length);
  const estimate = estimateCost(spec, {
    batch: p.hyper.batchSize,
    height: data.train.height,
    width: data.train.width,
  });
  assertFitsMemory(estimate, options.memoryLimitBytes);

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
      recordSpan(
        'training.epoch',
        { 'nasunet.epoch': d.epoch, 'nasunet.validation_dice': d.validationDice },
        d.epochSeconds,
      );
    } else if (e.type === 'checkpoint' && e.reason !== 'best') {
      // The best weights are no resumable checkpoint; the job records only those that are.
      later(() => ctx.report({ checkpoint: e.path }));
    }
  };

  const checkpointPath = jobCheckpointPath(options.workDir, job.id, ctx.attempt);
  const resumeFrom = resumeCheckpoint(ctx);
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
      ...(p.hyper.maxSeconds > 0 ? { maxWallSeconds: p.hyper.maxSeconds, wallClockStart: startedAt } : {}),
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
      bestPath: join(checkpointDir(options.workDir), `${job.id}.best`),
      checkpointIntervalSeconds: options.checkpointIntervalSeconds,
      ...(options.checkpointEverySteps > 0 ? { checkpointEverySteps: options.checkpointEverySteps } : {}),
      ...(resumeFrom ? { resumeFrom } : {}),
      onEvent,
      signal: ctx.signal,
    });
    await settled();
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
        inputChannels: 1,
        sliceAxis: data.preprocessing.sliceAxis,
        orientation: 'as-stored',
        spacingMm: null,
        normalization: data.preprocessing.normalization,
        padMultiple: data.preprocessing.padMultiple,
        padMode: data.preprocessing.padMode,
        inputSize: [data.train.height, data.train.width],
        classes: data.classes.map((c) => ({ code: c.code, name: c.name })),
      },
      metadata: { trainingJobId: job.id, datasetDigest: record.digest, metrics },
    });
    const model = await registry.uploadModel(
      {
        name: p.modelName,
        architecture: spec.architecture,
        ...(p.architecture.kind === 'nasunet' ? { genotype: p.architecture.genotype } : {}),
        configJson: JSON.stringify(spec.config),
        metricsJson: JSON.stringify(metrics),
        lineage: { trainingJobId: job.id, datasetDigest: record.digest },
        classNames: data.classes.map((c) => c.name),
      },
      {
        [MANIFEST_ARTIFACT]: Buffer.from(JSON.stringify(bundle.manifest), 'utf8'),
        [WEIGHTS_ARTIFACT]: bundle.weights,
      },
    );
    const weights = model.artifacts.find((a) => a.name === WEIGHTS_ARTIFACT);
    return {
      model: { name: model.name, version: model.version, weightsDigest: weights?.digest ?? '' },
      epochs: result.epochs,
      steps: result.steps,
      bestValidationDice: result.bestValDice,
    };
  } finally {
    await settled();
    net.dispose();
  }
}
