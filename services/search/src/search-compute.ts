/**
 * The compute of one search job, run in the job's own process (search-process.ts): read
 * the fetched dataset, run the engine's search loop (checkpointing, resuming, cancellable)
 * and publish its events to the job.
 */
import {
  ALPHA_OPTIMISER,
  runSearch,
  type AlphasEvent,
  type EngineEvent,
  type EpochEvent,
} from '../../../libs/engine/src/index.js';
import { inOrder, type JobContext, type JobRecord } from '../../../libs/jobs/src/index.js';
import { OP_NAMES, SearchNetwork, assertFitsMemory, estimateCost } from '../../../libs/nas/src/index.js';
import { prepareSlices } from '../../common/src/dataset-slices.js';
import { checkpointEventData, startEventData } from '../../common/src/job-run.js';
import type { SearchEpochPayload, SearchStepPayload } from './search-mapping.js';
import type { SearchParams } from './search-params.js';

/** What the service passes to a search job's process. */
export interface SearchComputeInput {
  /** Folder of the job's dataset, fetched by the service (kept while the job runs). */
  datasetDir: string;
  /** The checkpoint file this attempt writes. */
  checkpointPath: string;
  /** The checkpoint this attempt resumes from: the last one the job recorded (absent: a fresh start). */
  resumeFrom?: string;
  memoryLimitBytes: number;
  checkpointIntervalSeconds: number;
  checkpointEverySteps: number;
}

/** What a search job's process returns: the found genotype and how the search went. */
export interface SearchOutcome {
  genotypeJson: string;
  alphaHistoryJson: string;
  epochs: number;
  steps: number;
  reason: string;
  valDice: number;
}

/** Runs the search of `job` on the fetched dataset. */
export async function computeSearch(
  job: JobRecord,
  ctx: JobContext,
  input: SearchComputeInput,
): Promise<SearchOutcome> {
  const p = job.params as SearchParams;
  const data = await prepareSlices(input.datasetDir, {
    padMultiple: 2 ** (p.space.depth + 1),
    validationFraction: 0.2,
    seed: p.seed,
    maxCases: p.hyper.maxCases,
  });
  const config = {
    inChannels: 1,
    nClasses: data.classes.length,
    channels: p.space.initChannels,
    depth: p.space.depth,
    nodes: p.space.nodes,
    excludedOps: p.space.excludedOps ?? [],
  };
  const estimate = estimateCost(
    { architecture: 'nasunet_search', config },
    { batch: p.hyper.batchSize, height: data.train.height, width: data.train.width },
  );
  assertFitsMemory(estimate, input.memoryLimitBytes);

  const { checkpointPath } = input;
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
        break;
      }
      case 'checkpoint':
        later(() => ctx.report({ checkpoint: e.path }));
        later(() => ctx.publish('checkpoint', checkpointEventData(e)));
        break;
      case 'start':
        later(() => ctx.publish('start', startEventData(e)));
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
      alphaOptimiser: { lr: p.hyper.alphaLearningRate ?? ALPHA_OPTIMISER.lr },
      checkpointPath,
      checkpointIntervalSeconds: input.checkpointIntervalSeconds,
      ...(input.checkpointEverySteps > 0 ? { checkpointEverySteps: input.checkpointEverySteps } : {}),
      ...(input.resumeFrom !== undefined ? { resumeFrom: input.resumeFrom } : {}),
      estimatedBytes: estimate.peakTrainingBytes,
      memoryLimitBytes: input.memoryLimitBytes,
      onEvent,
      signal: ctx.signal,
    });
    return {
      genotypeJson: JSON.stringify(result.genotype),
      alphaHistoryJson: JSON.stringify(result.alphaHistory),
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
