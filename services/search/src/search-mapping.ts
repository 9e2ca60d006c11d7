/**
 * Job records and events of the queue -> `nasunet.v1` search messages.
 */
import type { JobEvent, JobRecord, JobUpdate } from '../../../libs/jobs/src/index.js';
import type {
  AlphaMatrix,
  SearchJob,
  SearchSpacePreset,
  WatchSearchResponse,
} from '../../../libs/rpc/src/index.js';
import { jobOutcome, jobStateToProto, jobStatus } from '../../common/src/job-state.js';
import { toTimestamp } from '../../common/src/time.js';
import type { SearchParams } from './search-params.js';

/** Result stored with a finished search job. */
export interface SearchJobResult {
  genotype: { name: string; version: number };
  genotypeJson: string;
  epochs: number;
  steps: number;
  reason: string;
  valDice: number;
}

/** Payload of the `epoch` job event (one per finished epoch; epochs counted from 1). */
export interface SearchEpochPayload {
  epoch: number;
  step: number;
  weightLoss: number;
  alphaLoss: number;
  validationDice: number;
  alphas: { down: number[][]; up: number[][]; normal: number[][] };
  opNames: { down: readonly string[]; up: readonly string[]; normal: readonly string[] };
  genotypeJson: string;
  stableEpochs: number;
  etaSeconds: number;
  epochSeconds: number;
}

/** Payload of the `step` job event. */
export interface SearchStepPayload {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  weightLoss: number;
  alphaLoss: number;
  etaSeconds: number;
}

function alphaMatrix(kind: string, rows: number[][], ops: readonly string[]): AlphaMatrix {
  return { kind, edges: rows.length, ops: [...ops], values: rows.flat() };
}

/** A job record (and its latest events) as a `SearchJob` message. */
export function toSearchJob(job: JobRecord, events: JobEvent[] = []): SearchJob {
  const p = job.params as SearchParams;
  const result = job.result as SearchJobResult | undefined;
  const lastEpoch = [...events].reverse().find((e) => e.type === 'epoch')?.data as
    SearchEpochPayload | undefined;
  const lastStep = [...events].reverse().find((e) => e.type === 'step')?.data as
    SearchStepPayload | undefined;
  return {
    jobId: job.id,
    state: jobStateToProto(job.state),
    dataset: { name: p.dataset.name, digest: p.dataset.digest },
    searchSpace: {
      preset: p.space.preset as SearchSpacePreset,
      initChannels: p.space.initChannels,
      depth: p.space.depth,
      nodes: p.space.nodes,
      // What the job searches: jobs stored before exclusions existed searched every op.
      excludedOps: p.space.excludedOps ?? [],
      allOps: (p.space.excludedOps ?? []).length === 0,
    },
    budget: { ...p.budget },
    seed: p.seed,
    genotypeName: p.genotypeName,
    hyperParameters: { ...p.hyper },
    epoch: result?.epochs ?? lastEpoch?.epoch ?? 0,
    step: result?.steps ?? Math.max(lastStep?.step ?? 0, lastEpoch?.step ?? 0),
    genotypeJson: result?.genotypeJson ?? lastEpoch?.genotypeJson ?? '',
    resultGenotype: result ? { name: result.genotype.name, version: result.genotype.version } : null,
    ...jobOutcome(job),
    groupId: p.group?.id ?? '',
  };
}

/** One queue update as a WatchSearch message; undefined for event types not streamed. */
export function toWatchSearchResponse(jobId: string, update: JobUpdate): WatchSearchResponse | undefined {
  if (update.kind === 'state') {
    const job = update.job;
    const result = job.result as SearchJobResult | undefined;
    return {
      jobId,
      time: toTimestamp(job.updatedAt),
      state: {
        ...jobStatus(job),
        resultGenotype: result ? { name: result.genotype.name, version: result.genotype.version } : null,
      },
    };
  }
  const e = update.event;
  if (e.type === 'interrupted') {
    // Persisted when the process restarted while the job ran: report it in the stream.
    return {
      jobId,
      time: toTimestamp(e.at),
      state: { state: 'JOB_STATE_INTERRUPTED', errorMessage: '', resultGenotype: null },
    };
  }
  if (e.type === 'step') {
    return { jobId, time: toTimestamp(e.at), step: e.data as SearchStepPayload };
  }
  if (e.type === 'epoch') {
    const d = e.data as SearchEpochPayload;
    return {
      jobId,
      time: toTimestamp(e.at),
      epoch: {
        epoch: d.epoch,
        weightLoss: d.weightLoss,
        alphaLoss: d.alphaLoss,
        validationDice: d.validationDice,
        alphas: [
          alphaMatrix('down', d.alphas.down, d.opNames.down),
          alphaMatrix('up', d.alphas.up, d.opNames.up),
          alphaMatrix('normal', d.alphas.normal, d.opNames.normal),
        ],
        genotypeJson: d.genotypeJson,
        genotypeStableEpochs: d.stableEpochs,
        etaSeconds: d.etaSeconds,
        epochSeconds: d.epochSeconds,
      },
    };
  }
  return undefined;
}
