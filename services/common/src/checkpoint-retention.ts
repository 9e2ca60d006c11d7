/**
 * Retention of job checkpoints: the files of job `<id>` in a service's checkpoint folder
 * are named `<id>.<suffix>` (`.ckpt`, `.best`, and their temporary files). They are
 * removed once the job is done or cancelled, since nothing resumes it any more; a failed
 * job's are kept for `failedRetentionMs` after it failed, for inspection; queued, running
 * and interrupted jobs keep theirs, as they resume from them. Files of a job the store does
 * not know are removed.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../../../libs/core/src/index.js';
import type { JobQueue, JobRecord } from '../../../libs/jobs/src/index.js';

/** Whether a job's checkpoint files may go at `now`. */
function expired(job: JobRecord | undefined, now: number, failedRetentionMs: number): boolean {
  if (!job || job.state === 'done' || job.state === 'cancelled') return true;
  return job.state === 'failed' && (job.finishedAt ?? job.updatedAt) + failedRetentionMs <= now;
}

/** Applies the retention policy to one service's checkpoint folder. */
export class CheckpointRetention {
  constructor(
    readonly dir: string,
    private readonly queue: JobQueue,
    readonly failedRetentionMs: number,
  ) {}

  /** Removes the checkpoint files whose job's retention is over; returns those jobs' ids. */
  async sweep(now = Date.now()): Promise<string[]> {
    const byJob = new Map<string, string[]>();
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const dot = name.indexOf('.');
      const id = dot > 0 ? name.slice(0, dot) : name;
      byJob.set(id, [...(byJob.get(id) ?? []), name]);
    }
    const removed: string[] = [];
    for (const [id, names] of byJob) {
      const job = await this.queue.get(id).catch((err: unknown) => {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      });
      if (!expired(job, now, this.failedRetentionMs)) continue;
      for (const n of names) await rm(join(this.dir, n), { force: true });
      removed.push(id);
    }
    return removed;
  }
}
