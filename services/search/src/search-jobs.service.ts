/**
 * Search jobs: the job service scaffolding (common/src/job-service.ts) with how a search
 * runs and is reported, and the validation and cost check before one is queued.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { JobContext, JobEvent, JobRecord, JobUpdate } from '../../../libs/jobs/src/index.js';
import type {
  SearchJob,
  StartSearchRequest__Output,
  WatchSearchResponse,
} from '../../../libs/rpc/src/index.js';
import { JobService } from '../../common/src/job-service.js';
import type { ParentCall } from '../../common/src/registry-gateway.js';
import { captureTraceParent } from '../../common/src/tracing.js';
import { SEARCH_CONFIG, type SearchConfig } from './config.js';
import { toSearchJob, toWatchSearchResponse, type SearchJobResult } from './search-mapping.js';
import { parseStartSearch, type SearchParams } from './search-params.js';
import { checkSearchCost, runSearchJob } from './search-runner.js';
import { searchHealth } from './search.options.js';

/** Queue kind of search jobs. */
export const SEARCH_JOB_KIND = 'search';

@Injectable()
export class SearchJobs extends JobService<SearchParams, SearchJobResult, SearchJob, WatchSearchResponse> {
  constructor(@Inject(SEARCH_CONFIG) private readonly config: SearchConfig) {
    super(
      'SearchJobs',
      {
        kind: SEARCH_JOB_KIND,
        spanName: 'search.job',
        health: searchHealth,
        concurrency: config.NASUNET_SEARCH_CONCURRENCY,
        maxQueued: config.NASUNET_MAX_QUEUED_JOBS,
      },
      config,
    );
  }

  protected runJob(job: JobRecord<SearchParams>, ctx: JobContext): Promise<SearchJobResult> {
    return runSearchJob(job, ctx, this.registry, {
      workDir: this.workDir,
      datasets: this.datasets,
      memoryLimitBytes: this.config.NASUNET_SEARCH_MEMORY_LIMIT_BYTES,
      checkpointIntervalSeconds: this.config.NASUNET_CHECKPOINT_INTERVAL_S,
      checkpointEverySteps: this.config.NASUNET_CHECKPOINT_EVERY_STEPS,
    });
  }

  protected toJob(job: JobRecord, events?: JobEvent[]): SearchJob {
    return toSearchJob(job, events);
  }

  protected toWatch(jobId: string, update: JobUpdate): WatchSearchResponse | undefined {
    return toWatchSearchResponse(jobId, update);
  }

  /** Validates the request, checks the dataset in the registry and the cost, queues the job. */
  async start(request: StartSearchRequest__Output, call?: ParentCall): Promise<SearchJob> {
    const params = parseStartSearch(request);
    checkSearchCost(params, this.config.NASUNET_SEARCH_MEMORY_LIMIT_BYTES);
    const { record } = await this.registry.getDataset(params.dataset, call);
    params.dataset.digest = record.digest;
    params.trace = captureTraceParent();
    return this.enqueue(
      params,
      `search-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    );
  }
}
