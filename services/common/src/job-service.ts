/**
 * Scaffolding shared by the job services (search, training): the job queue (embedded
 * SQLite under `<NASUNET_DATA_DIR>/<kind>`, or BullMQ on Redis shared by many processes),
 * the worker (unless `NASUNET_JOB_ROLE=api`; it runs each job's compute in a process of its
 * own, see job-process.ts), the registry gateway, the dataset cache, checkpoint retention
 * and the operations on queued jobs. On start-up, jobs that were running when the process
 * stopped are reported `interrupted` and (with `NASUNET_RESUME_ON_START`) requeued to
 * resume from their last checkpoint; on BullMQ a job whose worker died goes to the next
 * free worker, which resumes it. Checkpoints
 * are swept by their retention policy at start-up, whenever a job ends and every
 * {@link CHECKPOINT_SWEEP_MS}. Each service supplies how a job runs and how a record
 * becomes its messages.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { z } from 'zod';
import {
  JobWorker,
  type JobContext,
  type JobEvent,
  type JobQueue,
  type JobRecord,
  type JobUpdate,
} from '../../../libs/jobs/src/index.js';
import { ResourceLimitError } from '../../../libs/core/src/index.js';
import type { ServiceHealth } from '../../../libs/rpc/src/index.js';
import { CheckpointRetention } from './checkpoint-retention.js';
import { DatasetCache } from './dataset-cache.js';
import { registryClientConfig } from './security.js';
import type { JobServiceEnvSchema } from './env.js';
import { checkpointDir } from './job-run.js';
import { openJobQueue } from './job-queue-config.js';
import { jobStateFromProto } from './job-state.js';
import { pageOf } from './paging.js';
import { RegistryGateway } from './registry-gateway.js';
import { inJobTrace } from './tracing.js';

/** How often checkpoints are swept besides start-up and job ends (failed jobs' expire). */
export const CHECKPOINT_SWEEP_MS = 10 * 60_000;

/** The configuration fields a job service reads here. */
export type JobServiceConfig = z.infer<typeof JobServiceEnvSchema>;

/** What distinguishes one job service from another. */
export interface JobServiceSpec {
  /** Queue kind of the jobs, also the data subfolder, e.g. `search`. */
  kind: string;
  /** Name of the span each job runs in, e.g. `search.job`. */
  spanName: string;
  /** Health of the process: SERVING once the worker runs. */
  health: ServiceHealth;
  /** Jobs run at the same time by this process. */
  concurrency: number;
  /** Jobs that may wait; `enqueue` refuses one more with `ResourceLimitError`. */
  maxQueued: number;
}

/** A List* request: optional state filter and paging. */
export interface JobListRequest {
  state?: unknown;
  page?: { pageSize?: number; pageToken?: string } | null;
}

/**
 * Base of the job services. `P` is the job's parameters, `R` its result, `Job` the job
 * message and `Watch` the watch stream message.
 */
export abstract class JobService<P extends { trace?: Record<string, string> }, R, Job, Watch>
  implements OnModuleInit, OnModuleDestroy
{
  protected readonly logger: Logger;
  /** `<NASUNET_DATA_DIR>/<kind>`: the job store, checkpoints and fetched datasets. */
  protected readonly workDir: string;
  protected queue!: JobQueue;
  /** Runs this process's share of the jobs; none on an API-only replica. */
  protected worker?: JobWorker<P, R>;
  protected registry!: RegistryGateway;
  /** Datasets fetched from the registry, under `<workDir>/datasets`. */
  protected datasets!: DatasetCache;
  private checkpoints!: CheckpointRetention;
  private sweepTimer?: NodeJS.Timeout;

  protected constructor(
    loggerName: string,
    private readonly spec: JobServiceSpec,
    private readonly baseConfig: JobServiceConfig,
  ) {
    this.logger = new Logger(loggerName);
    this.workDir = join(baseConfig.NASUNET_DATA_DIR, spec.kind);
  }

  /** Runs one job (inside its span). */
  protected abstract runJob(job: JobRecord<P>, ctx: JobContext): Promise<R>;

  /** A job record (and its latest events) as the job message. */
  protected abstract toJob(job: JobRecord, events?: JobEvent[]): Job;

  /** One queue update as a watch message; undefined for event types not streamed. */
  protected abstract toWatch(jobId: string, update: JobUpdate): Watch | undefined;

  async onModuleInit(): Promise<void> {
    const { kind } = this.spec;
    this.queue = await openJobQueue(this.baseConfig, this.workDir);
    this.registry = new RegistryGateway(
      this.baseConfig.NASUNET_REGISTRY_ADDR,
      registryClientConfig(this.baseConfig),
    );
    for (const job of await this.queue.markInterrupted(kind)) {
      this.logger.warn(
        `job ${job.id} was interrupted at attempt ${job.attempts}; checkpoint ${job.checkpoint ?? 'none'}`,
      );
    }
    this.datasets = new DatasetCache(
      this.baseConfig.NASUNET_DATASET_CACHE_DIR ?? join(this.workDir, 'datasets'),
      this.registry,
      this.baseConfig.NASUNET_DATASET_CACHE_BYTES,
    );
    await this.datasets.open();
    this.checkpoints = new CheckpointRetention(
      checkpointDir(this.workDir),
      this.queue,
      this.baseConfig.NASUNET_FAILED_CHECKPOINT_RETENTION_S * 1000,
    );
    await this.sweepCheckpoints();
    this.sweepTimer = setInterval(() => void this.sweepCheckpoints(), CHECKPOINT_SWEEP_MS);
    this.sweepTimer.unref();
    if (this.baseConfig.NASUNET_RESUME_ON_START) {
      // Every interrupted job, including those left interrupted by an earlier start without resume.
      for (const job of await this.queue.list({ kind, states: ['interrupted'], limit: 1000 })) {
        await this.queue.requeue(job.id);
      }
    }
    if (this.baseConfig.NASUNET_JOB_ROLE === 'api') {
      this.spec.health.setServing(true);
      return;
    }
    this.worker = new JobWorker<P, R>(
      this.queue,
      kind,
      (job, ctx) =>
        inJobTrace(
          job.params.trace,
          this.spec.spanName,
          { 'nasunet.job_id': job.id, 'nasunet.attempt': ctx.attempt },
          () => this.runJob(job, ctx),
        ),
      {
        // Names the process, so that operators (and the job record) see where a job runs.
        workerId: `${kind}-${hostname()}-${process.pid}`,
        concurrency: this.spec.concurrency,
        onError: (id, err) =>
          this.logger.error(`job ${id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
        onSettled: () => void this.sweepCheckpoints(),
      },
    );
    this.worker.start();
    this.spec.health.setServing(true);
  }

  async onModuleDestroy(): Promise<void> {
    this.spec.health.setServing(false);
    clearInterval(this.sweepTimer);
    await this.worker?.stop();
    await this.queue?.close();
    this.registry?.close();
  }

  /** Applies the checkpoint retention policy; a failure is logged, never thrown. */
  private async sweepCheckpoints(): Promise<void> {
    try {
      await this.checkpoints.sweep();
    } catch (err) {
      this.logger.warn(`checkpoint sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * `ResourceLimitError` unless `count` more jobs fit in the queue (NASUNET_MAX_QUEUED_JOBS
   * waiting at most).
   */
  protected async assertQueueRoom(count: number): Promise<void> {
    const { kind, maxQueued } = this.spec;
    const waiting = await this.queue.list({ kind, states: ['queued'], limit: Math.min(1000, maxQueued + 1) });
    if (waiting.length + count > maxQueued) {
      throw new ResourceLimitError(
        `${waiting.length} ${kind} jobs are already waiting and at most ${maxQueued} may (NASUNET_MAX_QUEUED_JOBS); cancel some or retry once they have started`,
      );
    }
  }

  /** Queues validated `params` under `id` and wakes the worker; the queued job's message. */
  protected async enqueue(params: P, id: string): Promise<Job> {
    await this.assertQueueRoom(1);
    const job = await this.queue.enqueue(this.spec.kind, params, { id });
    this.worker?.wake();
    return this.toJob(job);
  }

  /** One job with its latest progress. */
  async get(jobId: string): Promise<Job> {
    const job = await this.queue.get(jobId);
    return this.toJob(job, await this.queue.events(jobId));
  }

  /** Jobs, newest first, optionally of one state. */
  async list(request: JobListRequest): Promise<{ jobs: Job[]; nextPageToken: string }> {
    const state = jobStateFromProto(request.state);
    const all = await this.queue.list({
      kind: this.spec.kind,
      ...(state ? { states: [state] } : {}),
      limit: 1000,
    });
    const page = pageOf(all, request.page);
    const jobs: Job[] = [];
    for (const job of page.items) jobs.push(this.toJob(job, await this.queue.events(job.id)));
    return { jobs, nextPageToken: page.nextPageToken };
  }

  /** Cancels a job (FAILED_PRECONDITION when it already ended). */
  async cancel(jobId: string): Promise<Job> {
    const job = this.worker ? await this.worker.cancel(jobId) : await this.queue.cancel(jobId);
    return this.toJob(job, await this.queue.events(jobId));
  }

  /** The job's state, history and live events until it ends (or `signal` aborts). */
  async *watch(jobId: string, signal: AbortSignal): AsyncIterable<Watch> {
    await this.queue.get(jobId);
    for await (const update of this.queue.watch(jobId, signal)) {
      const msg = this.toWatch(jobId, update);
      if (msg) yield msg;
    }
  }
}
