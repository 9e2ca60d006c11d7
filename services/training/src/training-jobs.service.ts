/**
 * Training jobs and evaluation: the job service scaffolding (common/src/job-service.ts)
 * with how a training runs and is reported, the validation and cost check before one is
 * queued, and evaluation of a registered model.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  CancelledError,
  PreconditionError,
  ValidationError,
  pseudonymousCaseId,
} from '../../../libs/core/src/index.js';
import { loadDataset } from '../../../libs/data/src/index.js';
import { evaluateCasesAsync, inferenceSpec } from '../../../libs/engine/src/index.js';
import { createServingModel, resolveRuntime } from '../../../libs/onnx/src/index.js';
import { tf } from '../../../libs/tensor/src/index.js';
import type { JobContext, JobEvent, JobRecord, JobUpdate } from '../../../libs/jobs/src/index.js';
import type {
  EvaluateRequest__Output,
  EvaluateResponse,
  StartTrainingRequest__Output,
  TrainingJob,
  WatchTrainingResponse,
} from '../../../libs/rpc/src/index.js';
import { JobService } from '../../common/src/job-service.js';
import { loadRegistryModel, validateModelRef } from '../../common/src/model-loader.js';
import type { ParentCall } from '../../common/src/registry-gateway.js';
import { captureTraceParent } from '../../common/src/tracing.js';
import { TRAINING_CONFIG, type TrainingConfig } from './config.js';
import { toTrainingJob, toWatchTrainingResponse, type TrainingJobResult } from './training-mapping.js';
import { parseStartTraining, type TrainingParams } from './training-params.js';
import { runTrainingJob } from './training-runner.js';
import { checkTrainingCost } from './training-spec.js';
import { trainingHealth } from './training.options.js';

/** Queue kind of training jobs. */
export const TRAINING_JOB_KIND = 'training';

/** A call whose client may have gone away. */
type ServedCall = ParentCall & { cancelled?: boolean };

@Injectable()
export class TrainingJobs extends JobService<
  TrainingParams,
  TrainingJobResult,
  TrainingJob,
  WatchTrainingResponse
> {
  constructor(@Inject(TRAINING_CONFIG) private readonly config: TrainingConfig) {
    super(
      'TrainingJobs',
      {
        kind: TRAINING_JOB_KIND,
        spanName: 'training.job',
        health: trainingHealth,
        concurrency: config.NASUNET_TRAINING_CONCURRENCY,
        maxQueued: config.NASUNET_MAX_QUEUED_JOBS,
      },
      config,
    );
  }

  protected runJob(job: JobRecord<TrainingParams>, ctx: JobContext): Promise<TrainingJobResult> {
    return runTrainingJob(job, ctx, this.registry, {
      workDir: this.workDir,
      datasets: this.datasets,
      memoryLimitBytes: this.config.NASUNET_TRAINING_MEMORY_LIMIT_BYTES,
      checkpointIntervalSeconds: this.config.NASUNET_CHECKPOINT_INTERVAL_S,
      checkpointEverySteps: this.config.NASUNET_CHECKPOINT_EVERY_STEPS,
    });
  }

  protected toJob(job: JobRecord, events?: JobEvent[]): TrainingJob {
    return toTrainingJob(job, events);
  }

  protected toWatch(jobId: string, update: JobUpdate): WatchTrainingResponse | undefined {
    return toWatchTrainingResponse(jobId, update);
  }

  /** Validates, resolves the genotype and dataset in the registry, checks the cost, queues. */
  async start(request: StartTrainingRequest__Output, call?: ParentCall): Promise<TrainingJob> {
    const params = parseStartTraining(request);
    if (params.architecture.kind === 'nasunet') {
      const g = await this.registry.getGenotype(params.architecture.genotype, call);
      params.architecture = {
        kind: 'nasunet',
        genotype: { name: g.name, version: g.version },
        genotypeJson: g.genotypeJson,
      };
    }
    checkTrainingCost(params, this.config.NASUNET_TRAINING_MEMORY_LIMIT_BYTES);
    const { record } = await this.registry.getDataset(params.dataset, call);
    params.dataset.digest = record.digest;
    params.trace = captureTraceParent();
    return this.enqueue(params, `train-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`);
  }

  /** Evaluates a registered model on a registered dataset (all cases). */
  async evaluate(request: EvaluateRequest__Output, call?: ServedCall): Promise<EvaluateResponse> {
    const ref = validateModelRef(request.model);
    if (!request.dataset?.name) throw new ValidationError('dataset.name: is required');
    const stopIfGone = (): void => {
      if (call?.cancelled) throw new CancelledError('the client cancelled the evaluation');
    };
    const dataset = await this.registry.getDataset(request.dataset, call);
    const loaded = await loadRegistryModel(this.registry, ref, call);
    try {
      stopIfGone();
      const data = await this.datasets.use(dataset.record.name, (local) =>
        loadDataset(local.dir, { requireLabels: true }),
      );
      const pre = loaded.manifest.preprocessing;
      if (data.classes.length !== pre.classes.length) {
        throw new PreconditionError(
          `dataset '${dataset.record.name}' has ${data.classes.length} classes; model '${loaded.record.name}' predicts ${pre.classes.length}`,
        );
      }
      stopIfGone();
      // The same segmentation path and runtime choice as Segment and SegmentVolume, case by case.
      const runtime = resolveRuntime(
        this.config.NASUNET_INFERENCE_RUNTIME,
        tf.getBackend(),
        loaded.manifest.architecture.key,
      );
      const model = await createServingModel(runtime, loaded, this.config.NASUNET_INFERENCE_THREADS);
      const report = await evaluateCasesAsync(model, data.cases, inferenceSpec(loaded.manifest), pre.classes, {
        hd95: request.computeHd95,
      }).finally(() => model.dispose());
      const names = report.classNames;
      return {
        model: loaded.resolved,
        datasetDigest: dataset.record.digest,
        cases: report.perCase
          .map((c) => ({ ...c, caseId: pseudonymousCaseId(c.caseId) }))
          .sort((a, b) => a.caseId.localeCompare(b.caseId))
          .map((c) => ({
            caseId: c.caseId,
            pixelAccuracy: c.pixelAccuracy,
            classes: c.classes.map((m, i) => ({
              classIndex: i + 1,
              className: names[i + 1] ?? '',
              dice: m.dice,
              iou: m.iou,
              hd95Mm: m.hd95 ?? -1,
              truthVoxels: String(m.truthVoxels),
              predVoxels: String(m.predVoxels),
            })),
          })),
        meanPerClass: report.perClass.map((s) => ({
          classIndex: s.classIndex,
          className: s.name,
          dice: s.dice.mean ?? 0,
          iou: s.iou.mean ?? 0,
          hd95Mm: s.hd95.mean ?? -1,
        })),
        meanDice: report.meanDice,
        meanIou: report.meanIou,
      };
    } finally {
      loaded.net.dispose();
    }
  }
}
