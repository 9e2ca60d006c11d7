import type {
  HeartbeatPatch,
  HeartbeatReply,
  JobClaim,
  JobError,
  JobEvent,
  JobFilter,
  JobRecord,
  JobUpdate,
} from './types.js';

/** Options for `JobQueue.enqueue`. */
export interface EnqueueOptions {
  /** Caller-chosen id (idempotent enqueue); must match `^[A-Za-z0-9_.-]{1,64}$`. */
  id?: string;
}

/**
 * A persistent job queue. Every method is asynchronous: the embedded implementation is
 * SQLite in-process (`SqliteJobQueue`), a distributed one (BullMQ on Redis) implements the
 * same contract, so callers must not assume that anything completes synchronously.
 *
 * Methods overview:
 * - producers: `enqueue`, `cancel`, `get`, `list`, `events`, `watch`.
 * - workers: `claim`, `heartbeat`, `publish`, `complete`, `fail`.
 * - start-up: `markInterrupted` (running -> interrupted), `requeue` (interrupted -> queued).
 *   A distributed queue finds the jobs of dead workers itself (their lease expires) and hands
 *   them to the next claim; its `markInterrupted` reports none.
 *
 * Unknown ids throw `NotFoundError`; illegal transitions (e.g. completing a cancelled job)
 * throw `PreconditionError`.
 */
export interface JobQueue {
  /** Stores a new `queued` job. */
  enqueue<P>(kind: string, params: P, options?: EnqueueOptions): Promise<JobRecord<P>>;
  /** Atomically moves the oldest `queued` job of `kind` to `running` for `workerId`. */
  claim(kind: string, workerId: string): Promise<JobRecord | undefined>;
  /**
   * Records liveness and progress of a running job; tells the worker whether to stop. A
   * heartbeat of a worker (or, with `patch.attempt`, an attempt) that no longer holds the
   * job writes nothing and answers `stop: true`.
   */
  heartbeat(id: string, workerId: string, patch?: HeartbeatPatch): Promise<HeartbeatReply>;
  /**
   * Appends an event to the job's compact history and delivers it to live watchers; with
   * `by`, only while that claim holds the running job (else `PreconditionError`).
   */
  publish(id: string, type: string, data: unknown, by?: JobClaim): Promise<JobEvent>;
  /** running -> done with a result; with `by`, only while that claim holds the job. */
  complete<R>(id: string, result: R, by?: JobClaim): Promise<JobRecord>;
  /** running -> failed; with `by`, only while that claim holds the job. */
  fail(id: string, error: JobError, by?: JobClaim): Promise<JobRecord>;
  /** queued | running | interrupted -> cancelled. Cancelling a terminal job is a `PreconditionError`. */
  cancel(id: string, reason?: string): Promise<JobRecord>;
  /** One job; `NotFoundError` when unknown. */
  get(id: string): Promise<JobRecord>;
  /** Jobs matching `filter`, newest first. */
  list(filter?: JobFilter): Promise<JobRecord[]>;
  /** The persisted (compacted) events of a job, oldest first. */
  events(id: string): Promise<JobEvent[]>;
  /**
   * Streams a job: first its current state, then its persisted events, then live events and
   * state changes; ends after the state update that makes the job terminal, or when
   * `signal` aborts.
   */
  watch(id: string, signal?: AbortSignal): AsyncIterable<JobUpdate>;
  /** Marks every `running` job of `kind` as `interrupted` (call once at start-up). */
  markInterrupted(kind: string): Promise<JobRecord[]>;
  /** interrupted -> queued, keeping its checkpoint so the next worker resumes from it. */
  requeue(id: string): Promise<JobRecord>;
  /** Releases the store. */
  close(): Promise<void>;
}
