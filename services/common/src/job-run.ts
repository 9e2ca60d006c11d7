/**
 * Pieces of one job run shared by the search and training runners: the job's dataset from
 * the registry and the job's checkpoint file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PreconditionError } from '../../../libs/core/src/index.js';
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
 * The checkpoint an attempt resumes from, as an optional `resumeFrom` field for a job
 * process's input: the last one its job recorded, if the file is there.
 */
export function resumeFromOf(ctx: Pick<JobContext, 'resumeFrom'>): { resumeFrom?: string } {
  return ctx.resumeFrom !== undefined && existsSync(ctx.resumeFrom) ? { resumeFrom: ctx.resumeFrom } : {};
}
