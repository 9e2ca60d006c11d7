/**
 * The work of one search job in the search service: fetch the dataset from the registry,
 * run the search in the job's own process (search-process.ts, search-compute.ts), which
 * streams its events into the job, and register the resulting genotype with its lineage
 * and alpha history.
 */
import { confirmClaim, type JobContext, type JobRecord } from '../../../libs/jobs/src/index.js';
import { assertFitsMemory, estimateCost } from '../../../libs/nas/src/index.js';
import type { DatasetCache } from '../../common/src/dataset-cache.js';
import { runInJobProcess } from '../../common/src/job-process.js';
import { jobCheckpointPath, resumeFromOf, withJobDataset } from '../../common/src/job-run.js';
import type { RegistryGateway } from '../../common/src/registry-gateway.js';
import type { SearchComputeInput, SearchOutcome } from './search-compute.js';
import type { SearchJobResult } from './search-mapping.js';
import type { SearchParams } from './search-params.js';

/** The module each search job's process runs. */
const SEARCH_PROCESS = new URL('./search-process.js', import.meta.url);

/** Where and how the runner works. */
export interface SearchRunnerOptions {
  /** Folder of this service's files (checkpoints). */
  workDir: string;
  /** Where datasets are fetched to. */
  datasets: DatasetCache;
  memoryLimitBytes: number;
  checkpointIntervalSeconds: number;
  checkpointEverySteps: number;
}

/** Estimated training memory of a search configuration; `ResourceLimitError` over the limit. */
export function checkSearchCost(p: SearchParams, limitBytes: number): void {
  const estimate = estimateCost(
    {
      architecture: 'nasunet_search',
      config: {
        inChannels: 1,
        nClasses: 2,
        channels: p.space.initChannels,
        depth: p.space.depth,
        nodes: p.space.nodes,
      },
    },
    { batch: p.hyper.batchSize, height: p.hyper.imageSize, width: p.hyper.imageSize },
  );
  assertFitsMemory(estimate, limitBytes);
}

/** Runs one search job to its registered genotype. */
export async function runSearchJob(
  job: JobRecord<SearchParams>,
  ctx: JobContext,
  registry: RegistryGateway,
  options: SearchRunnerOptions,
): Promise<SearchJobResult> {
  const p = job.params;
  const { record, outcome } = await withJobDataset(options.datasets, p.dataset, ctx.signal, async (local) => {
    const input: SearchComputeInput = {
      datasetDir: local.dir,
      checkpointPath: jobCheckpointPath(options.workDir, job.id, ctx.attempt),
      ...resumeFromOf(ctx),
      memoryLimitBytes: options.memoryLimitBytes,
      checkpointIntervalSeconds: options.checkpointIntervalSeconds,
      checkpointEverySteps: options.checkpointEverySteps,
    };
    return {
      record: local.record,
      outcome: await runInJobProcess<SearchComputeInput, SearchOutcome>(
        SEARCH_PROCESS,
        job,
        ctx,
        input,
        'search.epoch',
      ),
    };
  });
  // A worker that lost the job while computing (cancelled, or its lease ran out and another
  // attempt took over) registers nothing.
  await confirmClaim(ctx);
  const registered = await registry.createGenotype({
    name: p.genotypeName,
    genotypeJson: outcome.genotypeJson,
    lineage: { datasetDigest: record.digest, searchJobId: job.id },
    alphaHistoryJson: outcome.alphaHistoryJson,
  });
  return {
    genotype: { name: registered.name, version: registered.version },
    genotypeJson: outcome.genotypeJson,
    epochs: outcome.epochs,
    steps: outcome.steps,
    reason: outcome.reason,
    valDice: outcome.valDice,
  };
}
