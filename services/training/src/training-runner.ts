/**
 * The work of one training job in the training service: fetch the dataset, train in the
 * job's own process (training-process.ts, training-compute.ts), which streams its events
 * into the job and returns the model bundle, and upload the bundle with metrics and
 * lineage.
 */
import { confirmClaim, type JobContext, type JobRecord } from '../../../libs/jobs/src/index.js';
import type { DatasetCache } from '../../common/src/dataset-cache.js';
import { runInJobProcess } from '../../common/src/job-process.js';
import {
  bestWeightsPathOf,
  carryBestWeights,
  jobCheckpointPath,
  resumeFromOf,
  withJobDataset,
} from '../../common/src/job-run.js';
import { WEIGHTS_ARTIFACT, modelArtifacts } from '../../common/src/model-loader.js';
import type { RegistryGateway } from '../../common/src/registry-gateway.js';
import type { TrainingComputeInput, TrainingOutcome } from './training-compute.js';
import type { TrainingJobResult } from './training-mapping.js';
import type { TrainingParams } from './training-params.js';
import { modelSpec } from './training-spec.js';
import type { BundleManifest } from '../../../libs/nas/src/index.js';

/** The module each training job's process runs. */
const TRAINING_PROCESS = new URL('./training-process.js', import.meta.url);

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

/** Runs one training job to its registered model version. */
export async function runTrainingJob(
  job: JobRecord<TrainingParams>,
  ctx: JobContext,
  registry: RegistryGateway,
  options: TrainingRunnerOptions,
): Promise<TrainingJobResult> {
  const p = job.params;
  const startedAt = Date.now();
  const { record, outcome } = await withJobDataset(options.datasets, p.dataset, ctx.signal, async (local) => {
    const checkpointPath = jobCheckpointPath(options.workDir, job.id, ctx.attempt);
    const resume = resumeFromOf(ctx);
    const bestPath = bestWeightsPathOf(checkpointPath);
    carryBestWeights(resume.resumeFrom, bestPath);
    const input: TrainingComputeInput = {
      datasetDir: local.dir,
      classNames: local.record.classNames,
      datasetDigest: local.record.digest,
      checkpointPath,
      ...resume,
      bestPath,
      startedAt,
      memoryLimitBytes: options.memoryLimitBytes,
      checkpointIntervalSeconds: options.checkpointIntervalSeconds,
      checkpointEverySteps: options.checkpointEverySteps,
    };
    return {
      record: local.record,
      outcome: await runInJobProcess<TrainingComputeInput, TrainingOutcome>(
        TRAINING_PROCESS,
        job,
        ctx,
        input,
        'training.epoch',
      ),
    };
  });
  // A worker that lost the job while computing (cancelled, or its lease ran out and another
  // attempt took over) registers nothing.
  await confirmClaim(ctx);
  const spec = modelSpec(p, outcome.classNames.length);
  const model = await registry.uploadModel(
    {
      name: p.modelName,
      architecture: spec.architecture,
      ...(p.architecture.kind === 'nasunet' ? { genotype: p.architecture.genotype } : {}),
      configJson: JSON.stringify(spec.config),
      metricsJson: JSON.stringify(outcome.metrics),
      lineage: { trainingJobId: job.id, datasetDigest: record.digest },
      classNames: outcome.classNames,
    },
    modelArtifacts({
      manifest: JSON.parse(outcome.manifestJson) as BundleManifest,
      weights: outcome.weights,
    }),
  );
  const weights = model.artifacts.find((a) => a.name === WEIGHTS_ARTIFACT);
  return {
    model: { name: model.name, version: model.version, weightsDigest: weights?.digest ?? '' },
    epochs: outcome.metrics.epochs,
    steps: outcome.metrics.steps,
    bestValidationDice: outcome.metrics.best_validation_dice,
  };
}
