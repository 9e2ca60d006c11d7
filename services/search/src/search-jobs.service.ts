/**
 * Search jobs: the persistent queue, the in-process worker and the registry gateway, with
 * the operations the controller exposes. On start-up, jobs that were running when the
 * process stopped are reported `interrupted` and (by default) resumed from their last
 * checkpoint.
 */
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import {
  JobWorker,
  SqliteJobQueue,
  type JobQueue,
  type JobRecord,
  type JobUpdate,
} from '../../../libs/jobs/src/index.js';
import type {
  ListSearchesRequest__Output,
  SearchJob,
  StartSearchRequest__Output,
  WatchSearchResponse,
} from '../../../libs/rpc/src/index.js';
import { jobStateFromProto } from '../../common/src/job-state.js';
import { RegistryGateway, type ParentCall } from '../../common/src/registry-gateway.js';
import { pageOf } from '../../common/src/paging.js';
import { captureTraceParent, inJobTrace } from '../../common/src/tracing.js';
import { SEARCH_CONFIG, type SearchConfig } from './config.js';
import { toSearchJob, toWatchSearchResponse, type SearchJobResult } from './search-mapping.js';
import { parseStartSearch, type SearchParams } from './search-params.js';
import { checkSearchCost, runSearchJob } from './search-runner.js';
import { searchHealth } from './search.options.js';

/** Queue kind of search jobs. */
export const SEARCH_JOB_KIND = 'search';

@Injectable()
export class SearchJobs implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SearchJobs');
  private readonly workDir: string;
  private queue!: JobQueue;
  private worker!: JobWorker<SearchParams, SearchJobResult>;
  private registry!: RegistryGateway;

  constructor(@Inject(SEARCH_CONFIG) private readonly config: SearchConfig) {
    this.workDir = join(config.NASUNET_DATA_DIR, 'search');
  }

  async onModuleInit(): Promise<void> {
    this.queue = new SqliteJobQueue({ file: join(this.workDir, 'jobs.sqlite') });
    this.registry = new RegistryGateway(this.config.NASUNET_REGISTRY_ADDR);
    for (const job of await this.queue.markInterrupted(SEARCH_JOB_KIND)) {
      this.logger.warn(
        `job ${job.id} was interrupted at attempt ${job.attempts}; checkpoint ${job.checkpoint ?? 'none'}`,
      );
    }
    if (this.config.NASUNET_RESUME_ON_START) {
      // Every interrupted job, including those left interrupted by an earlier start without resume.
      for (const job of await this.queue.list({
        kind: SEARCH_JOB_KIND,
        states: ['interrupted'],
        limit: 1000,
      })) {
        await this.queue.requeue(job.id);
      }
    }
    this.worker = new JobWorker<SearchParams, SearchJobResult>(
      this.queue,
      SEARCH_JOB_KIND,
      (job, ctx) =>
        inJobTrace(
          job.params.trace,
          'search.job',
          { 'nasunet.job_id': job.id, 'nasunet.attempt': ctx.attempt },
          () =>
            runSearchJob(job, ctx, this.registry, {
              workDir: this.workDir,
              memoryLimitBytes: this.config.NASUNET_SEARCH_MEMORY_LIMIT_BYTES,
              checkpointIntervalSeconds: this.config.NASUNET_CHECKPOINT_INTERVAL_S,
              checkpointEverySteps: this.config.NASUNET_CHECKPOINT_EVERY_STEPS,
            }),
        ),
      {
        concurrency: this.config.NASUNET_SEARCH_CONCURRENCY,
        onError: (id, err) =>
          this.logger.error(`job ${id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
      },
    );
    this.worker.start();
    searchHealth.setServing(true);
  }

  async onModuleDestroy(): Promise<void> {
    searchHealth.setServing(false);
    await this.worker?.stop();
    await this.queue?.close();
    this.registry?.close();
  }

  /** Validates the request, checks the dataset in the registry and the cost, queues the job. */
  async start(request: StartSearchRequest__Output, call?: ParentCall): Promise<SearchJob> {
    const params = parseStartSearch(request);
    checkSearchCost(params, this.config.NASUNET_SEARCH_MEMORY_LIMIT_BYTES);
    const { record } = await this.registry.getDataset(params.dataset, call);
    params.dataset.digest = record.digest;
    params.trace = captureTraceParent();
    const job = await this.queue.enqueue(SEARCH_JOB_KIND, params, {
      id: `search-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    });
    this.worker.wake();
    return toSearchJob(job);
  }

  /** One job with its latest progress. */
  async get(jobId: string): Promise<SearchJob> {
    const job = await this.queue.get(jobId);
    return toSearchJob(job, await this.queue.events(jobId));
  }

  /** Jobs, newest first, optionally of one state. */
  async list(request: ListSearchesRequest__Output): Promise<{ jobs: SearchJob[]; nextPageToken: string }> {
    const state = jobStateFromProto(request.state);
    const all = await this.queue.list({
      kind: SEARCH_JOB_KIND,
      ...(state ? { states: [state] } : {}),
      limit: 1000,
    });
    const page = pageOf(all, request.page);
    const jobs: SearchJob[] = [];
    for (const job of page.items) jobs.push(toSearchJob(job, await this.queue.events(job.id)));
    return { jobs, nextPageToken: page.nextPageToken };
  }

  /** Cancels a job (FAILED_PRECONDITION when it already ended). */
  async cancel(jobId: string): Promise<SearchJob> {
    const job: JobRecord = await this.worker.cancel(jobId);
    return toSearchJob(job, await this.queue.events(jobId));
  }

  /** The job's state, history and live events until it ends (or `signal` aborts). */
  async *watch(jobId: string, signal: AbortSignal): AsyncIterable<WatchSearchResponse> {
    await this.queue.get(jobId);
    for await (const update of this.queue.watch(jobId, signal) as AsyncIterable<JobUpdate>) {
      const msg = toWatchSearchResponse(jobId, update);
      if (msg) yield msg;
    }
  }
}
