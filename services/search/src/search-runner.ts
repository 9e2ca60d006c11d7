/**
 * The work of one search job: fetch the dataset from the registry, run the engine's
 * search loop (checkpointing, resuming, cancellable), stream its events into the job, and
 * register the resulting genotype with its lineage and alpha history.
 */
import {
  runSearch,
  type EngineEvent,
  type EpochEvent,
  type AlphasEvent,
} from '../../../libs/engine/src/index.js';
import type { JobContext, JobRecord } from '../../../libs/jobs/src/index.js';
import { OP_NAMES, SearchNetwork, assertFitsMemory, estimateCost } from '../../../libs/nas/src/index.js';
import { prepareSlices } from '../../common/src/dataset-slices.js';
import type { DatasetCache } from '../../common/src/dataset-cache.js';
import { inOrder, jobCheckpointPath, resumeCheckpoint, withJobDataset } from '../../common/src/job-run.js';
import type { RegistryGateway } from '../../common/src/registry-gateway.js';
import { recordSpan } from '../../../libs/telemetry/src/index.js';
import type { SearchEpochPayload, SearchJobResult, SearchStepPayload } from './search-mapping.js';
import type { SearchParams } from './search-params.js';

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
  const padMultiple = 2 ** (p.space.depth + 1);
  const { record, data } = await withJobDataset(options.datasets, p.dataset, ctx.signal, async (local) => ({
    record: local.record,
    data: await prepareSlices(local.dir, {
      padMultiple,
      validationFraction: 0.2,
      seed: p.seed,
      maxCases: p.hyper.maxCases,
    }),
  }));
  const config = {
    inChannels: 1,
    nClasses: data.classes.length,
    channels: p.space.initChannels,
    depth: p.space.depth,
    nodes: p.space.nodes,
  };
  const estimate = estimateCost(
    { architecture: 'nasunet_search', config },
    { batch: p.hyper.batchSize, height: data.train.height, width: data.train.width },
  );
  assertFitsMemory(estimate, options.memoryLimitBytes);

  const checkpointPath = jobCheckpointPath(options.workDir, job.id, ctx.attempt);
  const resumeFrom = resumeCheckpoint(ctx);
  const stepsPerEpoch = Math.max(1, Math.ceil(Math.ceil(data.train.slices.length / 2) / p.hyper.batchSize));

  // Engine events arrive synchronously; publish them in order, one after the other.
  const { later, settled } = inOrder();
  let lastEpoch: EpochEvent | undefined;
  let lastAlphas: AlphasEvent | undefined;
  const onEvent = (e: EngineEvent): void => {
    switch (e.type) {
      case 'step': {
        const d: SearchStepPayload = {
          epoch: e.epoch + 1,
          step: e.step,
          stepsPerEpoch: e.stepsPerEpoch,
          weightLoss: e.loss,
          alphaLoss: e.alphaLoss ?? 0,
          etaSeconds: e.etaSeconds ?? -1,
        };
        later(() => ctx.publish('step', d));
        later(() => ctx.report({ progress: Math.min(1, e.step / Math.max(1, e.totalSteps)) }));
        break;
      }
      case 'epoch':
        lastEpoch = e;
        break;
      case 'alphas':
        lastAlphas = e;
        break;
      case 'genotype': {
        const ep = lastEpoch;
        const d: SearchEpochPayload = {
          epoch: e.epoch + 1,
          step: ep?.step ?? 0,
          weightLoss: ep?.trainLoss ?? 0,
          alphaLoss: ep?.alphaLoss ?? 0,
          validationDice: ep?.valDice ?? 0,
          alphas: {
            down: lastAlphas?.down ?? [],
            up: lastAlphas?.up ?? [],
            normal: lastAlphas?.normal ?? [],
          },
          opNames: OP_NAMES,
          genotypeJson: JSON.stringify(e.genotype),
          stableEpochs: e.stableEpochs,
          etaSeconds: ep?.etaSeconds ?? -1,
          epochSeconds: ep?.elapsedSeconds ?? 0,
        };
        later(() => ctx.publish('epoch', d));
        recordSpan(
          'search.epoch',
          { 'nasunet.epoch': d.epoch, 'nasunet.validation_dice': d.validationDice },
          d.epochSeconds,
        );
        break;
      }
      case 'checkpoint':
        later(() => ctx.report({ checkpoint: e.path }));
        later(() => ctx.publish('checkpoint', { epoch: e.epoch + 1, step: e.step, reason: e.reason }));
        break;
      case 'start':
        later(() =>
          ctx.publish('start', {
            resumed: e.resumed,
            epoch: e.epoch,
            step: e.step,
            totalSteps: e.totalSteps,
          }),
        );
        break;
      default:
        break;
    }
  };

  const net = new SearchNetwork(config, { seed: p.seed });
  try {
    const result = await runSearch(net, {
      train: data.train,
      val: data.val,
      seed: p.seed,
      batchSize: p.hyper.batchSize,
      maxEpochs: p.budget.maxEpochs || Number.MAX_SAFE_INTEGER,
      maxSteps: p.budget.maxSteps || Infinity,
      maxWallSeconds: p.budget.maxSeconds || Infinity,
      alphaWarmupSteps: p.hyper.warmupEpochs * stepsPerEpoch,
      patience: p.hyper.patience,
      checkpointPath,
      checkpointIntervalSeconds: options.checkpointIntervalSeconds,
      ...(options.checkpointEverySteps > 0 ? { checkpointEverySteps: options.checkpointEverySteps } : {}),
      ...(resumeFrom ? { resumeFrom } : {}),
      estimatedBytes: estimate.peakTrainingBytes,
      memoryLimitBytes: options.memoryLimitBytes,
      onEvent,
      signal: ctx.signal,
    });
    await settled();
    const genotypeJson = JSON.stringify(result.genotype);
    const registered = await registry.createGenotype({
      name: p.genotypeName,
      genotypeJson,
      lineage: { datasetDigest: record.digest, searchJobId: job.id },
      alphaHistoryJson: JSON.stringify(result.alphaHistory),
    });
    return {
      genotype: { name: registered.name, version: registered.version },
      genotypeJson,
      epochs: result.epochs,
      steps: result.steps,
      reason: result.reason,
      valDice: result.valDice,
    };
  } finally {
    await settled();
    net.dispose();
  }
}
