/**
 * Job records and events shared by every job queue implementation. Plain JSON only, so a
 * distributed queue can store them unchanged.
 */

/**
 * Lifecycle of a job.
 * - `queued`: waiting for a worker.
 * - `running`: claimed by a worker that sends heartbeats.
 * - `interrupted`: was running when its process stopped; resumable from `checkpoint`.
 * - `done` | `failed` | `cancelled`: terminal.
 */
export type JobState = 'queued' | 'running' | 'interrupted' | 'done' | 'failed' | 'cancelled';

/** Every state, in lifecycle order. */
export const JOB_STATES: readonly JobState[] = [
  'queued',
  'running',
  'interrupted',
  'done',
  'failed',
  'cancelled',
];

/** States that a job never leaves. */
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set<JobState>(['done', 'failed', 'cancelled']);

/** True when `state` is terminal (done, failed or cancelled). */
export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

/** Why a job failed: a stable machine-readable code (see libs/core errors) and a message. */
export interface JobError {
  /** Error code, e.g. `invalid_argument`, `internal`. */
  code: string;
  /** Human-readable message; never contains pixel data or patient identifiers. */
  message: string;
}

/** One job as stored by a queue. Times are milliseconds since the Unix epoch. */
export interface JobRecord<P = unknown, R = unknown> {
  /** Unique id (`job_` + 24 hex characters unless the caller chose one). */
  id: string;
  /** What the job does, e.g. `search` or `training`; workers claim by kind. */
  kind: string;
  state: JobState;
  /** The validated request that started the job. */
  params: P;
  /** The outcome once `done`. */
  result?: R;
  /** The failure once `failed` (or the reason of a cancellation). */
  error?: JobError;
  /** Opaque reference to the last saved checkpoint (e.g. a file path); resumes start here. */
  checkpoint?: string;
  /** Fraction done, 0..1. */
  progress: number;
  /** How many times a worker claimed the job (1 on the first run, +1 per resume). */
  attempts: number;
  /** Worker that holds a running job. */
  workerId?: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
  heartbeatAt?: number;
}

/** One event a running job published, e.g. an engine `epoch` event. */
export interface JobEvent {
  jobId: string;
  /** Strictly increasing per job, from 1. */
  seq: number;
  /** Event type, e.g. `epoch`, `genotype`, `checkpoint`, `state`. */
  type: string;
  /** Milliseconds since the Unix epoch. */
  at: number;
  /** JSON payload; never pixel data. */
  data: unknown;
}

/** What a watcher receives: the job's state (first, and on every change) or an event. */
export type JobUpdate = { kind: 'state'; job: JobRecord } | { kind: 'event'; event: JobEvent };

/** Filter for `JobQueue.list`. */
export interface JobFilter {
  kind?: string;
  states?: JobState[];
  /** At most this many, newest first; default 100, max 1000. */
  limit?: number;
}

/** Progress a worker reports with a heartbeat. */
export interface HeartbeatPatch {
  progress?: number;
  checkpoint?: string;
  /**
   * The attempt the worker runs (`JobRecord.attempts` when it claimed the job). When set, a
   * heartbeat of any other attempt is refused (`stop: true`, nothing written), so a worker
   * that lost the job cannot overwrite the checkpoint of the attempt that took it over.
   */
  attempt?: number;
}

/**
 * Who may finish a running job: the worker and the attempt that claimed it. `complete` and
 * `fail` given a claim refuse (`PreconditionError`) when the job is now held by another
 * worker or attempt.
 */
export interface JobClaim {
  workerId: string;
  attempt: number;
}

/** What a heartbeat tells the worker. */
export interface HeartbeatReply {
  /** The job was cancelled (or otherwise taken away); the worker must stop. */
  stop: boolean;
  state: JobState;
}
