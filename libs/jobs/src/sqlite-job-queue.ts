import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { NotFoundError, PreconditionError, ValidationError } from '../../core/src/index.js';
import type { EnqueueOptions, JobQueue } from './job-queue.js';
import { JOB_ID_PATTERN, newJobId } from './job-ids.js';
import {
  isTerminal,
  type HeartbeatPatch,
  type HeartbeatReply,
  type JobClaim,
  type JobError,
  type JobEvent,
  type JobFilter,
  type JobRecord,
  type JobState,
  type JobUpdate,
} from './types.js';

/** Options of the embedded queue. */
export interface SqliteJobQueueOptions {
  /** SQLite file (created with its folder); `:memory:` for a throw-away queue. */
  file: string;
  /** Events kept per job besides the latest of each type; default 64. */
  keepEvents?: number;
  /** Clock, milliseconds since the epoch (tests may pin it). */
  now?: () => number;
}

interface JobRow {
  id: string;
  kind: string;
  state: JobState;
  params: string;
  result: string | null;
  error: string | null;
  checkpoint: string | null;
  progress: number;
  attempts: number;
  worker_id: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  heartbeat_at: number | null;
}

interface EventRow {
  job_id: string;
  seq: number;
  type: string;
  at: number;
  data: string;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     state TEXT NOT NULL,
     params TEXT NOT NULL,
     result TEXT,
     error TEXT,
     checkpoint TEXT,
     progress REAL NOT NULL DEFAULT 0,
     attempts INTEGER NOT NULL DEFAULT 0,
     worker_id TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     started_at INTEGER,
     finished_at INTEGER,
     heartbeat_at INTEGER
   );
   CREATE INDEX jobs_kind_state ON jobs (kind, state, created_at);
   CREATE TABLE job_events (
     job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     type TEXT NOT NULL,
     at INTEGER NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (job_id, seq)
   );`,
];

function toRecord(row: JobRow): JobRecord {
  const job: JobRecord = {
    id: row.id,
    kind: row.kind,
    state: row.state,
    params: JSON.parse(row.params) as unknown,
    progress: row.progress,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.result !== null) job.result = JSON.parse(row.result) as unknown;
  if (row.error !== null) job.error = JSON.parse(row.error) as JobError;
  if (row.checkpoint !== null) job.checkpoint = row.checkpoint;
  if (row.worker_id !== null) job.workerId = row.worker_id;
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.finished_at !== null) job.finishedAt = row.finished_at;
  if (row.heartbeat_at !== null) job.heartbeatAt = row.heartbeat_at;
  return job;
}

function toEvent(row: EventRow): JobEvent {
  return {
    jobId: row.job_id,
    seq: row.seq,
    type: row.type,
    at: row.at,
    data: JSON.parse(row.data) as unknown,
  };
}

/**
 * The embedded `JobQueue`: one SQLite file (WAL mode) owned by one process, with live
 * fan-out to watchers in that process. Events are compacted on write: a job keeps its last
 * `keepEvents` events plus the latest event of every type, so a late watcher still sees the
 * current genotype, the last checkpoint and the recent epochs.
 */
export class SqliteJobQueue implements JobQueue {
  private readonly db: Database.Database;
  private readonly emitter = new EventEmitter();
  private readonly keepEvents: number;
  private readonly now: () => number;
  private closed = false;

  /** Opens (and migrates) the queue file. */
  constructor(options: SqliteJobQueueOptions) {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.keepEvents = options.keepEvents ?? 64;
    this.now = options.now ?? Date.now;
    this.emitter.setMaxListeners(0);
    this.migrate();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  private row(id: string): JobRow {
    this.assertOpen();
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!row) throw new NotFoundError(`job '${id}' does not exist`);
    return row;
  }

  private assertOpen(): void {
    if (this.closed) throw new PreconditionError('the job queue is closed');
  }

  private changed(id: string): JobRecord {
    const job = toRecord(this.row(id));
    this.emitter.emit(`job:${id}`, { kind: 'state', job } satisfies JobUpdate);
    return job;
  }

  async enqueue<P>(kind: string, params: P, options: EnqueueOptions = {}): Promise<JobRecord<P>> {
    this.assertOpen();
    if (!kind) throw new ValidationError('job kind must not be empty');
    const id = options.id ?? newJobId();
    if (!JOB_ID_PATTERN.test(id)) throw new ValidationError(`job id '${id}' must match ${JOB_ID_PATTERN}`);
    const t = this.now();
    try {
      this.db
        .prepare(
          `INSERT INTO jobs (id, kind, state, params, progress, attempts, created_at, updated_at)
           VALUES (?, ?, 'queued', ?, 0, 0, ?, ?)`,
        )
        .run(id, kind, JSON.stringify(params ?? null), t, t);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new PreconditionError(`job '${id}' already exists`);
      }
      throw err;
    }
    return this.changed(id) as JobRecord<P>;
  }

  async claim(kind: string, workerId: string): Promise<JobRecord | undefined> {
    this.assertOpen();
    const t = this.now();
    const id = this.db.transaction(() => {
      const row = this.db
        .prepare(`SELECT id FROM jobs WHERE kind = ? AND state = 'queued' ORDER BY created_at, rowid LIMIT 1`)
        .get(kind) as { id: string } | undefined;
      if (!row) return undefined;
      this.db
        .prepare(
          `UPDATE jobs SET state = 'running', worker_id = ?, attempts = attempts + 1,
             started_at = COALESCE(started_at, ?), heartbeat_at = ?, updated_at = ? WHERE id = ?`,
        )
        .run(workerId, t, t, t, row.id);
      return row.id;
    })();
    return id === undefined ? undefined : this.changed(id);
  }

  async heartbeat(id: string, workerId: string, patch: HeartbeatPatch = {}): Promise<HeartbeatReply> {
    const row = this.row(id);
    const stale = patch.attempt !== undefined && patch.attempt !== row.attempts;
    if (row.state !== 'running' || row.worker_id !== workerId || stale)
      return { stop: true, state: row.state };
    if (patch.progress !== undefined && !(patch.progress >= 0 && patch.progress <= 1)) {
      throw new ValidationError(`progress must be within [0, 1], got ${patch.progress}`);
    }
    const t = this.now();
    this.db
      .prepare(
        `UPDATE jobs SET heartbeat_at = ?, updated_at = ?, progress = COALESCE(?, progress),
           checkpoint = COALESCE(?, checkpoint) WHERE id = ?`,
      )
      .run(t, t, patch.progress ?? null, patch.checkpoint ?? null, id);
    if (patch.progress !== undefined || patch.checkpoint !== undefined) this.changed(id);
    return { stop: false, state: 'running' };
  }

  async publish(id: string, type: string, data: unknown, by?: JobClaim): Promise<JobEvent> {
    const row = this.row(id);
    if (!type) throw new ValidationError('event type must not be empty');
    if (by && (row.state !== 'running' || row.worker_id !== by.workerId || row.attempts !== by.attempt)) {
      throw new PreconditionError(
        `job '${id}' is no longer held by attempt ${by.attempt}; its event is refused`,
      );
    }
    const event = this.db.transaction(() => {
      const last = this.db.prepare('SELECT MAX(seq) AS seq FROM job_events WHERE job_id = ?').get(id) as {
        seq: number | null;
      };
      const seq = (last.seq ?? 0) + 1;
      const ev: JobEvent = { jobId: id, seq, type, at: this.now(), data: data ?? null };
      this.db
        .prepare('INSERT INTO job_events (job_id, seq, type, at, data) VALUES (?, ?, ?, ?, ?)')
        .run(id, seq, type, ev.at, JSON.stringify(ev.data));
      this.db
        .prepare(
          `DELETE FROM job_events WHERE job_id = ? AND seq <= ?
             AND seq NOT IN (SELECT MAX(seq) FROM job_events WHERE job_id = ? GROUP BY type)`,
        )
        .run(id, seq - this.keepEvents, id);
      return ev;
    })();
    this.emitter.emit(`job:${id}`, { kind: 'event', event } satisfies JobUpdate);
    return event;
  }

  private finish(
    id: string,
    state: 'done' | 'failed',
    result: unknown,
    error: JobError | null,
    by: JobClaim | undefined,
  ): JobRecord {
    const row = this.row(id);
    if (row.state !== 'running') {
      throw new PreconditionError(`job '${id}' is ${row.state}; only a running job can become ${state}`);
    }
    if (by && (row.worker_id !== by.workerId || row.attempts !== by.attempt)) {
      throw new PreconditionError(
        `job '${id}' is held by another attempt; attempt ${by.attempt} cannot end it`,
      );
    }
    const t = this.now();
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, result = ?, error = ?, progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END,
           finished_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        state,
        result === undefined ? null : JSON.stringify(result),
        error ? JSON.stringify(error) : null,
        state,
        t,
        t,
        id,
      );
    return this.changed(id);
  }

  async complete<R>(id: string, result: R, by?: JobClaim): Promise<JobRecord> {
    return this.finish(id, 'done', result ?? null, null, by);
  }

  async fail(id: string, error: JobError, by?: JobClaim): Promise<JobRecord> {
    return this.finish(id, 'failed', undefined, error, by);
  }

  async cancel(id: string, reason = 'cancelled by request'): Promise<JobRecord> {
    const row = this.row(id);
    if (isTerminal(row.state)) throw new PreconditionError(`job '${id}' is already ${row.state}`);
    const t = this.now();
    this.db
      .prepare(`UPDATE jobs SET state = 'cancelled', error = ?, finished_at = ?, updated_at = ? WHERE id = ?`)
      .run(JSON.stringify({ code: 'cancelled', message: reason } satisfies JobError), t, t, id);
    return this.changed(id);
  }

  async get(id: string): Promise<JobRecord> {
    return toRecord(this.row(id));
  }

  async list(filter: JobFilter = {}): Promise<JobRecord[]> {
    this.assertOpen();
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new ValidationError(`limit must be an integer within [1, 1000], got ${limit}`);
    }
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.kind) {
      where.push('kind = ?');
      args.push(filter.kind);
    }
    if (filter.states && filter.states.length > 0) {
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      args.push(...filter.states);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as JobRow[]).map(toRecord);
  }

  async events(id: string): Promise<JobEvent[]> {
    this.row(id);
    return (
      this.db.prepare('SELECT * FROM job_events WHERE job_id = ? ORDER BY seq').all(id) as EventRow[]
    ).map(toEvent);
  }

  async *watch(id: string, signal?: AbortSignal): AsyncIterable<JobUpdate> {
    const pending: JobUpdate[] = [];
    let wake: (() => void) | undefined;
    const onUpdate = (u: JobUpdate): void => {
      pending.push(u);
      wake?.();
    };
    const onAbort = (): void => wake?.();
    // Subscribe before reading the snapshot so that nothing falls between the two.
    this.emitter.on(`job:${id}`, onUpdate);
    this.emitter.on('closed', onAbort);
    signal?.addEventListener('abort', onAbort);
    try {
      const job = toRecord(this.row(id));
      const history = await this.events(id);
      let lastSeq = 0;
      yield { kind: 'state', job };
      for (const event of history) {
        lastSeq = event.seq;
        yield { kind: 'event', event };
      }
      if (isTerminal(job.state)) {
        // A finished job's stream ends with its final state, after the replayed history,
        // as a live job's does.
        yield { kind: 'state', job };
        return;
      }
      while (!signal?.aborted && !this.closed) {
        const next = pending.shift();
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (next.kind === 'event') {
          if (next.event.seq <= lastSeq) continue;
          lastSeq = next.event.seq;
          yield next;
        } else {
          yield next;
          if (isTerminal(next.job.state)) return;
        }
      }
    } finally {
      this.emitter.off(`job:${id}`, onUpdate);
      this.emitter.off('closed', onAbort);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async markInterrupted(kind: string): Promise<JobRecord[]> {
    this.assertOpen();
    const ids = (
      this.db.prepare(`SELECT id FROM jobs WHERE kind = ? AND state = 'running'`).all(kind) as Array<{
        id: string;
      }>
    ).map((r) => r.id);
    const t = this.now();
    const stmt = this.db.prepare(
      `UPDATE jobs SET state = 'interrupted', worker_id = NULL, updated_at = ? WHERE id = ?`,
    );
    this.db.transaction(() => ids.forEach((id) => stmt.run(t, id)))();
    const jobs = ids.map((id) => this.changed(id));
    for (const job of jobs) {
      await this.publish(job.id, 'interrupted', {
        checkpoint: job.checkpoint ?? null,
        attempts: job.attempts,
      });
    }
    return jobs;
  }

  async requeue(id: string): Promise<JobRecord> {
    const row = this.row(id);
    if (row.state !== 'interrupted') {
      throw new PreconditionError(`job '${id}' is ${row.state}; only an interrupted job can be requeued`);
    }
    this.db.prepare(`UPDATE jobs SET state = 'queued', updated_at = ? WHERE id = ?`).run(this.now(), id);
    return this.changed(id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    this.emitter.emit('closed');
    this.emitter.removeAllListeners();
  }
}
