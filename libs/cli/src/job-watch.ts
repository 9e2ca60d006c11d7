/**
 * `nasunet watch <job-id> --kind search|train`: follows a job on the services (started
 * by anyone) until it ends, with the progress output of a search or training run through
 * a server. A job that already ended replays its history. Ctrl-C stops watching; the job
 * goes on.
 */
import type { EngineEvent } from '../../engine/src/index.js';
import type {
  GetSearchResponse__Output,
  GetTrainingResponse__Output,
  SearchStateEvent__Output,
  TrainingStateEvent__Output,
  WatchSearchResponse__Output,
  WatchTrainingResponse__Output,
} from '../../rpc/src/index.js';
import { unaryCall } from './grpc-calls.js';
import type { GrpcRunner } from './grpc-runner.js';
import { followJob } from './grpc-watch.js';
import { checkJobId } from './manage.js';

/** How a watched job ended (successfully: a failed or cancelled one throws). */
export interface WatchedJob {
  kind: 'search' | 'train';
  jobId: string;
  state: string;
  /** What it registered: `genotype name:version` or `model name:version`. */
  result: string;
  epochs: number;
  steps: number;
  /** Last validation Dice reported; null when no epoch finished. */
  valDice: number | null;
}

/**
 * Follows job `jobId` to its end.
 * @throws BackendError when the job failed, CancelledError when it was cancelled or the
 * watch was stopped (the signal), NotFoundError for an unknown job.
 */
export async function watchJob(
  r: GrpcRunner,
  kind: 'search' | 'train',
  jobId: string,
  ctx: { onEvent?: (e: EngineEvent) => void; signal?: AbortSignal },
): Promise<WatchedJob> {
  checkJobId(jobId);
  const common = {
    jobId,
    ...(ctx.onEvent ? { onEvent: ctx.onEvent } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    detachOnAbort: true,
  };
  const what = `reading ${kind} job ${jobId}`;
  // The job's planned epochs size the progress bar.
  if (kind === 'search') {
    const { job } = await unaryCall<GetSearchResponse__Output>(r.search_, 'getSearch', { jobId }, what);
    const outcome = await followJob<WatchSearchResponse__Output>({
      ...common,
      kind,
      client: r.search_,
      maxEpochs: Math.max(1, job?.budget?.maxEpochs ?? 1),
    });
    const ref = (outcome.state as SearchStateEvent__Output).resultGenotype;
    return summary(kind, jobId, outcome, ref ? `genotype ${ref.name}:${ref.version}` : '-');
  }
  const { job } = await unaryCall<GetTrainingResponse__Output>(r.training, 'getTraining', { jobId }, what);
  const outcome = await followJob<WatchTrainingResponse__Output>({
    ...common,
    kind,
    client: r.training,
    maxEpochs: Math.max(1, job?.hyperParameters?.epochs ?? 1),
  });
  const model = (outcome.state as TrainingStateEvent__Output).resultModel;
  return summary(kind, jobId, outcome, model ? `model ${model.name}:${model.version}` : '-');
}

function summary(
  kind: WatchedJob['kind'],
  jobId: string,
  o: { state: unknown; epochs: number; step: number; valDice: number },
  result: string,
): WatchedJob {
  return {
    kind,
    jobId,
    state: (o.state as { state: string }).state,
    result,
    epochs: o.epochs,
    steps: o.step,
    valDice: Number.isFinite(o.valDice) ? o.valDice : null,
  };
}
