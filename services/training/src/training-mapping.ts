/**
 * Job records and events of the queue -> `nasunet.v1` training messages.
 */
import type { JobEvent, JobRecord, JobUpdate } from '../../../libs/jobs/src/index.js';
import type { ResolvedModel, TrainingJob, WatchTrainingResponse } from '../../../libs/rpc/src/index.js';
import { jobOutcome, jobStateToProto, jobStatus } from '../../common/src/job-state.js';
import { toTimestamp } from '../../common/src/time.js';
import type { TrainingParams } from './training-params.js';

/** Result stored with a finished training job. */
export interface TrainingJobResult {
  model: { name: string; version: number; weightsDigest: string };
  epochs: number;
  /** Steps run (absent from results stored before it was recorded). */
  steps?: number;
  bestValidationDice: number;
}

/** Payload of the `epoch` job event (epochs counted from 1). */
export interface TrainingEpochPayload {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationDice: number;
  etaSeconds: number;
  epochSeconds: number;
}

/** Payload of the `step` job event. */
export interface TrainingStepPayload {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** Steps planned for the run (absent from events stored before it was recorded). */
  totalSteps?: number;
  loss: number;
  learningRate: number;
  etaSeconds: number;
}

function resolved(r: TrainingJobResult | undefined): ResolvedModel | null {
  return r
    ? { name: r.model.name, version: r.model.version, alias: '', weightsDigest: r.model.weightsDigest }
    : null;
}

/** A job record (and its latest events) as a `TrainingJob` message. */
export function toTrainingJob(job: JobRecord, events: JobEvent[] = []): TrainingJob {
  const p = job.params as TrainingParams;
  const result = job.result as TrainingJobResult | undefined;
  const epochs = events.filter((e) => e.type === 'epoch').map((e) => e.data as TrainingEpochPayload);
  const best = epochs.reduce((m, e) => Math.max(m, e.validationDice), 0);
  const lastStep = events.findLast((e) => e.type === 'step')?.data as TrainingStepPayload | undefined;
  const step = result?.steps ?? lastStep?.step ?? 0;
  const arch =
    p.architecture.kind === 'nasunet'
      ? { genotype: { name: p.architecture.genotype.name, version: p.architecture.genotype.version } }
      : { baseline: 'BASELINE_ARCHITECTURE_UNET' as const };
  return {
    jobId: job.id,
    state: jobStateToProto(job.state),
    ...arch,
    dataset: { ...p.dataset },
    hyperParameters: { ...p.hyper },
    seed: p.seed,
    modelName: p.modelName,
    epoch: result?.epochs ?? epochs.at(-1)?.epoch ?? 0,
    bestValidationDice: result?.bestValidationDice ?? best,
    step,
    totalSteps: result !== undefined ? step : (lastStep?.totalSteps ?? 0),
    etaSeconds: result === undefined && lastStep !== undefined ? lastStep.etaSeconds : -1,
    resultModel: resolved(result),
    ...jobOutcome(job),
  };
}

/** One queue update as a WatchTraining message; undefined for event types not streamed. */
export function toWatchTrainingResponse(jobId: string, update: JobUpdate): WatchTrainingResponse | undefined {
  if (update.kind === 'state') {
    const job = update.job;
    return {
      jobId,
      time: toTimestamp(job.updatedAt),
      state: {
        ...jobStatus(job),
        resultModel: resolved(job.result as TrainingJobResult | undefined),
      },
    };
  }
  const e = update.event;
  if (e.type === 'interrupted') {
    // Persisted when the process restarted while the job ran: report it in the stream.
    return {
      jobId,
      time: toTimestamp(e.at),
      state: { state: 'JOB_STATE_INTERRUPTED', errorMessage: '', resultModel: null },
    };
  }
  if (e.type === 'step') return { jobId, time: toTimestamp(e.at), step: e.data as TrainingStepPayload };
  if (e.type === 'epoch') return { jobId, time: toTimestamp(e.at), epoch: e.data as TrainingEpochPayload };
  return undefined;
}
