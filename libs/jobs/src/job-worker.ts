import { randomBytes } from 'node:crypto';
import { CancelledError, NasUnetError, PreconditionError, withoutServerPaths } from '../../core/src/index.js';
import type { JobQueue } from './job-queue.js';
import type { JobError, JobRecord } from './types.js';

/** What a running job can do besides computing. */
export interface JobContext {
  /** Aborts when the job is cancelled or the worker stops; check it between steps. */
  signal: AbortSignal;
  /** Checkpoint saved by an earlier attempt (resume from it), if any. */
  resumeFrom?: string;
  /** 1 on the first run, 2+ when resuming. */
  attempt: number;
  /** Publishes an event to watchers (persisted compactly). */
  publish(type: string, data: unknown): Promise<void>;
  /** Reports progress (0..1) and/or a new checkpoint reference. */
  report(patch: { progress?: number; checkpoint?: string }): Promise<void>;
}

/** Runs one job and returns its JSON result; throws to fail it. */
export type JobHandler<P = unknown, R = unknown> = (job: JobRecord<P>, ctx: JobContext) => Promise<R>;

/** Options of a `JobWorker`. */
export interface JobWorkerOptions {
  /** Stable worker id; default `worker_` + random hex. */
  workerId?: string;
  /** Jobs run at the same time; default 1. */
  concurrency?: number;
  /** Milliseconds between polls for queued jobs when idle; default 250. */
  pollMs?: number;
  /** Milliseconds between heartbeats of a running job; default 1000. */
  heartbeatMs?: number;
  /** Called when a handler throws something unexpected (for logging). */
  onError?: (jobId: string, err: unknown) => void;
  /** Called after a job's handler returned and its outcome (if any) was recorded. */
  onSettled?: (jobId: string) => void;
}

/**
 * Confirms that the attempt of `ctx` still holds its job, before a step that must happen once
 * and only for the attempt that holds the job (registering its result): a heartbeat fenced
 * by the attempt, which aborts `ctx.signal` when the job was cancelled or handed to another
 * attempt meanwhile. Throws the signal's reason then.
 */
export async function confirmClaim(ctx: JobContext): Promise<void> {
  if (!ctx.signal.aborted) await ctx.report({});
  ctx.signal.throwIfAborted();
}

/** A job's failure as stored: a domain error's code and message (no server paths), else `internal`. */
export function toJobError(err: unknown): JobError {
  if (err instanceof NasUnetError) return { code: err.code, message: withoutServerPaths(err.message) };
  return { code: 'internal', message: 'internal error' };
}

/**
 * Claims jobs of one kind from a `JobQueue` and runs them with a handler, with heartbeats,
 * progress and cancellation through `AbortController`. Works against any queue
 * implementation because it only uses the asynchronous interface.
 */
export class JobWorker<P = unknown, R = unknown> {
  readonly workerId: string;
  private readonly running = new Map<string, AbortController>();
  private readonly finished = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly heartbeatMs: number;
  private stopped = true;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly queue: JobQueue,
    readonly kind: string,
    private readonly handler: JobHandler<P, R>,
    private readonly options: JobWorkerOptions = {},
  ) {
    this.workerId = options.workerId ?? `worker_${randomBytes(6).toString('hex')}`;
    this.concurrency = options.concurrency ?? 1;
    this.pollMs = options.pollMs ?? 250;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
  }

  /** Starts claiming jobs. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Tells an idle worker to look for work now (call after `enqueue`). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Ids of the jobs this worker is running. */
  runningJobs(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Cancels a job: marks it cancelled in the queue and aborts it if it runs here. A job
   * running on another worker stops at its next heartbeat.
   */
  async cancel(id: string, reason?: string): Promise<JobRecord> {
    const job = await this.queue.cancel(id, reason);
    this.running.get(id)?.abort(new CancelledError(`job '${id}' was cancelled`));
    return job;
  }

  /**
   * Stops claiming; aborts running jobs and waits for their handlers to return. Jobs stopped
   * this way stay `running` in the queue and become `interrupted` at the next start-up, like
   * after a crash, so they resume from their last checkpoint.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    for (const c of this.running.values()) c.abort(new CancelledError('worker stopping'));
    await this.loop;
    await Promise.allSettled(this.finished.values());
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.running.size < this.concurrency) {
        let job: JobRecord | undefined;
        try {
          job = await this.queue.claim(this.kind, this.workerId);
        } catch (err) {
          this.options.onError?.('', err);
        }
        if (job) {
          const done = this.execute(job as JobRecord<P>).finally(() => {
            this.finished.delete(job.id);
            this.wakeUp?.();
          });
          this.finished.set(job.id, done);
          continue;
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async execute(job: JobRecord<P>): Promise<void> {
    const controller = new AbortController();
    this.running.set(job.id, controller);
    const claim = { workerId: this.workerId, attempt: job.attempts };
    const beat = async (patch: { progress?: number; checkpoint?: string } = {}): Promise<void> => {
      const reply = await this.queue.heartbeat(job.id, this.workerId, { ...patch, attempt: claim.attempt });
      if (reply.stop && !controller.signal.aborted) {
        controller.abort(new CancelledError(`job '${job.id}' is ${reply.state}`));
      }
    };
    const timer = setInterval(() => {
      beat().catch((err: unknown) => this.options.onError?.(job.id, err));
    }, this.heartbeatMs);
    const ctx: JobContext = {
      signal: controller.signal,
      attempt: job.attempts,
      publish: async (type, data) => {
        try {
          await this.queue.publish(job.id, type, data, claim);
        } catch (err) {
          // The job went to another attempt (or ended): this one stops, its event is dropped.
          if (!(err instanceof PreconditionError)) throw err;
          if (!controller.signal.aborted) controller.abort(new CancelledError(err.message));
        }
      },
      report: beat,
    };
    if (job.checkpoint !== undefined) ctx.resumeFrom = job.checkpoint;
    try {
      const result = await this.handler(job, ctx);
      if (controller.signal.aborted) return;
      await this.queue.complete(job.id, result, claim);
    } catch (err) {
      // Aborted: cancelled (already recorded) or the worker is stopping (left running).
      if (controller.signal.aborted) return;
      if (!(err instanceof NasUnetError)) this.options.onError?.(job.id, err);
      await this.queue
        .fail(job.id, toJobError(err), claim)
        .catch((e: unknown) => this.options.onError?.(job.id, e));
    } finally {
      clearInterval(timer);
      this.running.delete(job.id);
      this.options.onSettled?.(job.id);
    }
  }
}
