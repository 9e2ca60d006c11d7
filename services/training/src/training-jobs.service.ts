/**
 * Training jobs and evaluation: the persistent queue, the in-process worker, the registry
 * gateway. Jobs running when the process stopped are reported `interrupted` at start-up
 * and (by default) resumed from their last checkpoint.
 */
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { CancelledError, PreconditionError, ValidationError } from '../../../libs/core/src/index.js';
import { evaluate } from '../../../libs/engine/src/index.js';
import { JobWorker, SqliteJobQueue, type JobQueue } from '../../../libs/jobs/src/index.js';
import type {
  EvaluateRequest__Output,
  EvaluateResponse,
  ListTrainingsRequest__Output,
  StartTrainingRequest__Output,
  TrainingJob,
  WatchTrainingResponse,
} from '../../../libs/rpc/src/index.js';
import { prepareSlices } from '../../common/src/dataset-slices.js';
import { jobStateFromProto } from '../../common/src/job-state.js';
import { loadRegistryModel, validateModelRef } from '../../common/src/model-loader.js';
import { pageOf } from '../../common/src/paging.js';
import { captureTraceParent, inJobTrace } from '../../common/src/tracing.js';
import { RegistryGateway, type ParentCall } from '../../common/src/registry-gateway.js';
import { TRAINING_CONFIG, type TrainingConfig } from './config.js';
import { toTrainingJob, toWatchTrainingResponse, type TrainingJobResult } from './training-mapping.js';
import { parseStartTraining, type TrainingParams } from './training-params.js';
import { checkTrainingCost, runTrainingJob } from './training-runner.js';
import { trainingHealth } from './training.options.js';

/** Queue kind of training jobs. */
export const TRAINING_JOB_KIND = 'training';

/** A call whose client may have gone away. */
type ServedCall = ParentCall & { cancelled?: boolean };

@Injectable()
export class TrainingJobs implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('TrainingJobs');
  private readonly workDir: string;
  private queue!: JobQueue;
  private worker!: JobWorker<TrainingParams, TrainingJobResult>;
  private registry!: RegistryGateway;

  constructor(@Inject(TRAINING_CONFIG) private readonly config: TrainingConfig) {
    this.workDir = join(config.NASUNET_DATA_DIR, 'training');
  }

  async onModuleInit(): Promise<void> {
    this.queue = new SqliteJobQueue({ file: join(this.workDir, 'jobs.sqlite') });
    this.registry = new RegistryGateway(this.config.NASUNET_REGISTRY_ADDR);
    for (const job of await this.queue.markInterrupted(TRAINING_JOB_KIND)) {
      this.logger.warn(
        `job ${job.id} was interrupted at attempt ${job.attempts}; checkpoint ${job.checkpoint ?? 'none'}`,
      );
    }
    if (this.config.NASUNET_RESUME_ON_START) {
      // Every interrupted job, including those left interrupted by an earlier start without resume.
      for (const job of await this.queue.list({
        kind: TRAINING_JOB_KIND,
        states: ['interrupted'],
        limit: 1000,
      })) {
        await this.queue.requeue(job.id);
      }
    }
    this.worker = new JobWorker<TrainingParams, TrainingJobResult>(
      this.queue,
      TRAINING_JOB_KIND,
      (job, ctx) =>
        inJobTrace(
          job.params.trace,
          'training.job',
          { 'nasunet.job_id': job.id, 'nasunet.attempt': ctx.attempt },
          () =>
            runTrainingJob(job, ctx, this.registry, {
              workDir: this.workDir,
              memoryLimitBytes: this.config.NASUNET_TRAINING_MEMORY_LIMIT_BYTES,
              checkpointIntervalSeconds: this.config.NASUNET_CHECKPOINT_INTERVAL_S,
              checkpointEverySteps: this.config.NASUNET_CHECKPOINT_EVERY_STEPS,
            }),
        ),
      {
        concurrency: this.config.NASUNET_TRAINING_CONCURRENCY,
        onError: (id, err) =>
          this.logger.error(`job ${id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
      },
    );
    this.worker.start();
    trainingHealth.setServing(true);
  }

  async onModuleDestroy(): Promise<void> {
    trainingHealth.setServing(false);
    await this.worker?.stop();
    await this.queue?.close();
    this.registry?.close();
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
    const id = `train-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const job = await this.queue.enqueue(TRAINING_JOB_KIND, params, { id });
    this.worker.wake();
    return toTrainingJob(job);
  }

  async get(jobId: string): Promise<TrainingJob> {
    const job = await this.queue.get(jobId);
    return toTrainingJob(job, await this.queue.events(jobId));
  }

  async list(request: ListTrainingsRequest__Output): Promise<{ jobs: TrainingJob[]; nextPageToken: string }> {
    const state = jobStateFromProto(request.state);
    const all = await this.queue.list({
      kind: TRAINING_JOB_KIND,
      ...(state ? { states: [state] } : {}),
      limit: 1000,
    });
    const page = pageOf(all, request.page);
    const jobs: TrainingJob[] = [];
    for (const job of page.items) jobs.push(toTrainingJob(job, await this.queue.events(job.id)));
    return { jobs, nextPageToken: page.nextPageToken };
  }

  async cancel(jobId: string): Promise<TrainingJob> {
    const job = await this.worker.cancel(jobId);
    return toTrainingJob(job, await this.queue.events(jobId));
  }

  async *watch(jobId: string, signal: AbortSignal): AsyncIterable<WatchTrainingResponse> {
    await this.queue.get(jobId);
    for await (const update of this.queue.watch(jobId, signal)) {
      const msg = toWatchTrainingResponse(jobId, update);
      if (msg) yield msg;
    }
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
      const local = await this.registry.fetchDataset(dataset.record.name, join(this.workDir, 'datasets'));
      const pre = loaded.manifest.preprocessing;
      const data = await prepareSlices(local.dir, {
        padMultiple: pre.padMultiple,
        validationFraction: 0,
        seed: 0,
      });
      if (data.classes.length !== pre.classes.length) {
        throw new PreconditionError(
          `dataset '${dataset.record.name}' has ${data.classes.length} classes; model '${loaded.record.name}' predicts ${pre.classes.length}`,
        );
      }
      stopIfGone();
      const report = evaluate(loaded.net, data.all, { hd95: request.computeHd95 });
      const names = report.classNames;
      return {
        model: loaded.resolved,
        datasetDigest: dataset.record.digest,
        cases: report.perCase.map((c) => ({
          caseId: c.caseId,
          pixelAccuracy: c.pixelAccuracy,
          classes: c.classes.map((m, i) => ({
            classIndex: i + 1,
            className: names[i + 1] ?? '',
            dice: m.dice,
            iou: m.iou,
            hd95Mm: m.hd95 ?? -1,
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
