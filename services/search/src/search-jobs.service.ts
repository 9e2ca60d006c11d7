/**
 * Search jobs: the job service scaffolding (common/src/job-service.ts) with how a search
 * runs and is reported, and the validation and cost check before one is queued.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { JobContext, JobEvent, JobRecord, JobUpdate } from '../../../libs/jobs/src/index.js';
import { NotFoundError } from '../../../libs/core/src/index.js';
import { genotypeAgreement, parseGenotype } from '../../../libs/nas/src/index.js';
import type {
  GetSearchGroupResponse,
  SearchJob,
  StartSearchRequest__Output,
  StartSearchResponse,
  WatchSearchResponse,
} from '../../../libs/rpc/src/index.js';
import { JobService } from '../../common/src/job-service.js';
import type { ParentCall } from '../../common/src/registry-gateway.js';
import { captureTraceParent } from '../../common/src/tracing.js';
import { SEARCH_CONFIG, type SearchConfig } from './config.js';
import { toSearchJob, toWatchSearchResponse, type SearchJobResult } from './search-mapping.js';
import { parseSeeds, parseStartSearch, type SearchParams } from './search-params.js';
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

  /**
   * Validates the request, checks the dataset in the registry and the cost, queues the job
   * (or, with `seeds`, one job per seed, all or none).
   */
  async start(request: StartSearchRequest__Output, call?: ParentCall): Promise<StartSearchResponse> {
    const params = parseStartSearch(request);
    const seeds = parseSeeds(request);
    checkSearchCost(params, this.config.NASUNET_SEARCH_MEMORY_LIMIT_BYTES);
    const { record } = await this.registry.getDataset(params.dataset, call);
    params.dataset.digest = record.digest;
    params.trace = captureTraceParent();
    const id = `search-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    if (!seeds) {
      const job = await this.enqueue(params, id);
      return { job, jobs: [job], groupId: '' };
    }
    await this.assertQueueRoom(seeds.length);
    const jobs: SearchJob[] = [];
    for (const [index, seed] of seeds.entries()) {
      jobs.push(await this.enqueue({ ...params, seed, group: { id, index } }, `${id}-s${seed}`));
    }
    return { job: jobs[0]!, jobs, groupId: id };
  }

  /** The jobs of a multi-seed search in seed order, and the agreement of those DONE. */
  async group(groupId: string): Promise<GetSearchGroupResponse> {
    const members = (await this.queue.list({ kind: SEARCH_JOB_KIND, limit: 1000 }))
      .filter((j) => (j.params as SearchParams).group?.id === groupId)
      .sort((a, b) => (a.params as SearchParams).group!.index - (b.params as SearchParams).group!.index);
    if (members.length === 0) throw new NotFoundError(`multi-seed search '${groupId}' does not exist`);
    const jobs: SearchJob[] = [];
    for (const job of members) jobs.push(this.toJob(job, await this.queue.events(job.id)));
    const found = members
      .filter((j) => j.state === 'done')
      .map((j) => parseGenotype((j.result as SearchJobResult).genotypeJson));
    if (found.length === 0) return { groupId, jobs, agreement: null };
    const a = genotypeAgreement(found);
    return {
      groupId,
      jobs,
      agreement: {
        genotypes: a.genotypes,
        distinctGenotypes: a.distinct,
        edgeShare: a.edgeShare,
        opShare: a.opShare,
      },
    };
  }
}
