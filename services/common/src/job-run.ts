/**
 * Pieces of one job run shared by the search and training runners: the job's dataset from
 * the registry, the job's checkpoint files and the job events a run's start and
 * checkpoints become.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PreconditionError } from '../../../libs/core/src/index.js';
import type { CheckpointEvent, StartEvent } from '../../../libs/engine/src/index.js';
import type { JobContext } from '../../../libs/jobs/src/index.js';
import type { DatasetCache, LocalDataset } from './dataset-cache.js';

/**
 * Runs `fn` on the job's dataset, fetched into the service's cache, which keeps it until
 * `fn` settles. Throws `PreconditionError` when the job recorded a digest at start and the
 * registry's dataset of that name now has another one.
 */
export function withJobDataset<T>(
  datasets: DatasetCache,
  dataset: { name: string; digest: string },
  signal: AbortSignal,
  fn: (local: LocalDataset) => Promise<T>,
): Promise<T> {
  return datasets.use(
    dataset.name,
    async (local) => {
      if (dataset.digest && local.record.digest !== dataset.digest) {
        throw new PreconditionError(`dataset '${dataset.name}' changed digest since the job was started`);
      }
      return fn(local);
    },
    signal,
  );
}

/** Folder of a job service's checkpoints: `<workDir>/checkpoints`. */
export function checkpointDir(workDir: string): string {
  return join(workDir, 'checkpoints');
}

/**
 * Path of the checkpoint file of a job's attempt: `<workDir>/checkpoints/<jobId>.a<attempt>.ckpt`.
 * Every attempt writes its own file, and the queue records a checkpoint only from the
 * attempt that holds the job, so a worker that lost its job (and still runs) cannot
 * overwrite the checkpoint the next attempt resumes from.
 */
export function jobCheckpointPath(workDir: string, jobId: string, attempt: number): string {
  return join(checkpointDir(workDir), `${jobId}.a${attempt}.ckpt`);
}

/**
 * Path of the best-weights file that goes with checkpoint file `checkpointPath`
 * (`<jobId>.a<attempt>.best`): fenced by attempt like the checkpoint itself.
 */
export function bestWeightsPathOf(checkpointPath: string): string {
  return checkpointPath.replace(/\.ckpt$/, '') + '.best';
}

/**
 * Gives a resuming attempt the best weights its checkpoint knows of: copies the best-weights
 * file of `resumeFrom`'s attempt to `bestPath` (the resuming attempt's own), if there is one.
 * The earlier attempt's file is only read, so a worker still running it cannot change the
 * weights the resumed run ends with.
 */
export function carryBestWeights(resumeFrom: string | undefined, bestPath: string): void {
  if (resumeFrom === undefined) return;
  const earlier = bestWeightsPathOf(resumeFrom);
  if (earlier !== bestPath && existsSync(earlier)) copyFileSync(earlier, bestPath);
}

/** The job event (`start`) of a run's start: whether it resumed, and from which epoch and step. */
export function startEventData(e: StartEvent): {
  resumed: boolean;
  epoch: number;
  step: number;
  totalSteps: number;
} {
  return { resumed: e.resumed, epoch: e.epoch, step: e.step, totalSteps: e.totalSteps };
}

/** The job event (`checkpoint`) of a checkpoint written: its epoch (from 1), step and reason. */
export function checkpointEventData(e: CheckpointEvent): { epoch: number; step: number; reason: string } {
  return { epoch: e.epoch + 1, step: e.step, reason: e.reason };
}

/**
 * The checkpoint an attempt resumes from, as an optional `resumeFrom` field for a job
 * process's input: the last one its job recorded, if the file is there.
 */
export function resumeFromOf(ctx: Pick<JobContext, 'resumeFrom'>): { resumeFrom?: string } {
  return ctx.resumeFrom !== undefined && existsSync(ctx.resumeFrom) ? { resumeFrom: ctx.resumeFrom } : {};
}
