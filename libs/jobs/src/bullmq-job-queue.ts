import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
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

/** Options of the distributed queue. */
export interface BullMqJobQueueOptions {
  /** `redis://` or `rediss://` URL of the Redis server. */
  url: string;
  /** Prefix of every key this queue writes; default `nasunet`. */
  prefix?: string;
  /** Events kept per job besides the latest of each type; default 64. */
  keepEvents?: number;
  /**
   * Milliseconds a claimed job stays leased to its worker without a heartbeat; a job whose
   * worker died is handed to the next claim after at most about twice this. Default 30000.
   */
  lockMs?: number;
  /** Clock, milliseconds since the epoch. */
  now?: () => number;
}

/** Updates kept in a job's update stream for watchers that fall behind. */
const STREAM_LENGTH = 1000;

/** Times a job may lose its worker before BullMQ gives up on it (it then fails). */
const MAX_STALLS = 100;

/** `{"kind":...}` hash -> record: every field is a string in Redis. */
function toRecord(h: Record<string, string>): JobRecord {
  const job: JobRecord = {
    id: h['id']!,
    kind: h['kind']!,
    state: h['state'] as JobState,
    params: JSON.parse(h['params']!) as unknown,
    progress: Number(h['progress']),
    attempts: Number(h['attempts']),
    createdAt: Number(h['createdAt']),
    updatedAt: Number(h['updatedAt']),
  };
  if (h['result'] !== undefined) job.result = JSON.parse(h['result']) as unknown;
  if (h['error'] !== undefined) job.error = JSON.parse(h['error']) as JobError;
  if (h['checkpoint'] !== undefined) job.checkpoint = h['checkpoint'];
  if (h['workerId'] !== undefined) job.workerId = h['workerId'];
  if (h['startedAt'] !== undefined) job.startedAt = Number(h['startedAt']);
  if (h['finishedAt'] !== undefined) job.finishedAt = Number(h['finishedAt']);
  if (h['heartbeatAt'] !== undefined) job.heartbeatAt = Number(h['heartbeatAt']);
  return job;
}

/** Flat `[k1, v1, k2, v2]` reply -> object. */
function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

// Every script that changes a record appends the record, as JSON, to the job's update
// stream in the same atomic step; watchers on any process read that stream.
const NOTIFY = `
local function notify(job, stream)
  local h = redis.call('HGETALL', job)
  local t = {}
  for i = 1, #h, 2 do t[h[i]] = h[i + 1] end
  redis.call('XADD', stream, 'MAXLEN', '~', '${STREAM_LENGTH}', '*', 'state', cjson.encode(t))
end
`;

/** KEYS: job, index, order counter, stream. ARGV: id, now, kind, params. 1 = stored, 0 = exists. */
const ENQUEUE = `${NOTIFY}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'kind', ARGV[3], 'state', 'queued', 'params', ARGV[4],
  'progress', '0', 'attempts', '0', 'createdAt', ARGV[2], 'updatedAt', ARGV[2], 'seq', '0')
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
notify(KEYS[1], KEYS[4])
return 1
`;

/**
 * The one state transition script. KEYS: job, stream. ARGV: allowed states (comma list),
 * fence worker ('' = none), fence attempt ('' = none), 'claim' to count an attempt, now, then
 * field/value pairs to set (an empty value deletes the field). Returns {code, state}: 1 done,
 * 0 refused (state not allowed or fence mismatch), -1 no such job.
 */
const TRANSITION = `${NOTIFY}
local s = redis.call('HMGET', KEYS[1], 'state', 'workerId', 'attempts')
if not s[1] then return {-1, ''} end
local allowed = false
for st in string.gmatch(ARGV[1], '[^,]+') do if st == s[1] then allowed = true end end
if not allowed then return {0, s[1]} end
if ARGV[2] ~= '' and (s[2] ~= ARGV[2] or (ARGV[3] ~= '' and s[3] ~= ARGV[3])) then return {0, s[1]} end
if ARGV[4] == 'claim' then
  redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  redis.call('HSETNX', KEYS[1], 'startedAt', ARGV[5])
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[5])
for i = 6, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
notify(KEYS[1], KEYS[2])
local now = redis.call('HGET', KEYS[1], 'state')
return {1, now}
`;

/**
 * KEYS: job, stream. ARGV: worker, attempt ('' = any), now, progress ('' = keep), checkpoint
 * ('' = keep). Returns {1, 'running'} or {0, state} when the caller no longer holds the job.
 */
const HEARTBEAT = `${NOTIFY}
local s = redis.call('HMGET', KEYS[1], 'state', 'workerId', 'attempts')
if not s[1] then return {-1, ''} end
if s[1] ~= 'running' or s[2] ~= ARGV[1] or (ARGV[2] ~= '' and s[3] ~= ARGV[2]) then return {0, s[1]} end
redis.call('HSET', KEYS[1], 'heartbeatAt', ARGV[3], 'updatedAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'progress', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'checkpoint', ARGV[5]) end
if ARGV[4] ~= '' or ARGV[5] ~= '' then notify(KEYS[1], KEYS[2]) end
return {1, 'running'}
`;

/**
 * KEYS: job, events list, latest-by-type hash, stream. ARGV: event JSON without seq, type,
 * events kept, fence worker ('' = none), fence attempt. Returns the stored event JSON, or
 * {code}: -1 no such job, 0 the fence's claim no longer holds the job.
 */
const PUBLISH = `
local s = redis.call('HMGET', KEYS[1], 'state', 'workerId', 'attempts')
if not s[1] then return {-1} end
if ARGV[4] ~= '' and (s[1] ~= 'running' or s[2] ~= ARGV[4] or s[3] ~= ARGV[5]) then return {0} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local ev = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[2], ev)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('HSET', KEYS[3], ARGV[2], ev)
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '${STREAM_LENGTH}', '*', 'event', ev)
return ev
`;

/** KEYS: job, stream. Returns {record as flat pairs, id of the stream's last entry}. */
const SNAPSHOT = `
local h = redis.call('HGETALL', KEYS[1])
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local id = '0-0'
if #last > 0 then id = last[1][1] end
return {h, id}
`;

type TransitionReply = [number, string];

interface Scripts {
  nasunetEnqueue(
    job: string,
    index: string,
    order: string,
    stream: string,
    ...argv: string[]
  ): Promise<number>;
  nasunetTransition(job: string, stream: string, ...argv: string[]): Promise<TransitionReply>;
  nasunetHeartbeat(job: string, stream: string, ...argv: string[]): Promise<TransitionReply>;
  nasunetPublish(
    job: string,
    list: string,
    latest: string,
    stream: string,
    ...argv: string[]
  ): Promise<string | [number]>;
  nasunetSnapshot(job: string, stream: string): Promise<[string[], string]>;
}

/**
 * `JobQueue` on Redis for many processes: BullMQ dispatches the jobs (one BullMQ queue per
 * job kind; a claim is a lease that heartbeats extend, and a job whose worker stops
 * heartbeating is moved back to waiting by BullMQ's stalled-job check and handed to the next
 * claim, which resumes it from its checkpoint); the job records, their compacted events and
 * a stream of updates per job live in Redis beside it, changed only by Lua scripts so that
 * every transition and its notification are atomic. Watchers in any process read the
 * job's update stream, so progress reaches every API replica.
 */
export class BullMqJobQueue implements JobQueue {
  private readonly redis: Redis & Scripts;
  private readonly prefix: string;
  private readonly keepEvents: number;
  private readonly lockMs: number;
  private readonly now: () => number;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  /** Jobs claimed by this process: their BullMQ job and lock token. */
  private readonly leases = new Map<string, { job: Job; token: string }>();
  /** Connections of live watchers, closed on `close`. */
  private readonly readers = new Set<Redis>();
  private closed = false;

  constructor(options: BullMqJobQueueOptions) {
    this.prefix = options.prefix ?? 'nasunet';
    this.keepEvents = options.keepEvents ?? 64;
    this.lockMs = options.lockMs ?? 30_000;
    this.now = options.now ?? Date.now;
    // BullMQ's blocking connections need maxRetriesPerRequest null.
    this.redis = new Redis(options.url, { maxRetriesPerRequest: null }) as Redis & Scripts;
    this.redis.defineCommand('nasunetEnqueue', { numberOfKeys: 4, lua: ENQUEUE });
    this.redis.defineCommand('nasunetTransition', { numberOfKeys: 2, lua: TRANSITION });
    this.redis.defineCommand('nasunetHeartbeat', { numberOfKeys: 2, lua: HEARTBEAT });
    this.redis.defineCommand('nasunetPublish', { numberOfKeys: 4, lua: PUBLISH });
    this.redis.defineCommand('nasunetSnapshot', { numberOfKeys: 2, lua: SNAPSHOT });
  }

  private key(name: string, id?: string): string {
    return id === undefined ? `${this.prefix}:${name}` : `${this.prefix}:${name}:${id}`;
  }

  private assertOpen(): void {
    if (this.closed) throw new PreconditionError('the job queue is closed');
  }

  private queueOf(kind: string): Queue {
    let q = this.queues.get(kind);
    if (!q) {
      q = new Queue(kind, { connection: this.redis, prefix: this.key('bull') });
      this.queues.set(kind, q);
    }
    return q;
  }

  private async workerOf(kind: string): Promise<Worker> {
    let w = this.workers.get(kind);
    if (!w) {
      w = new Worker(kind, null, {
        connection: this.redis,
        prefix: this.key('bull'),
        autorun: false,
        lockDuration: this.lockMs,
        stalledInterval: Math.max(500, Math.floor(this.lockMs / 2)),
        maxStalledCount: MAX_STALLS,
      });
      this.workers.set(kind, w);
      await w.startStalledCheckTimer();
    }
    return w;
  }

  /** Runs the transition script; `NotFoundError` for an unknown job. */
  private async transition(
    id: string,
    from: readonly JobState[],
    fields: Record<string, string>,
    options: { by?: JobClaim; claim?: boolean } = {},
  ): Promise<TransitionReply> {
    this.assertOpen();
    const argv = [
      from.join(','),
      options.by?.workerId ?? '',
      options.by ? String(options.by.attempt) : '',
      options.claim ? 'claim' : '',
      String(this.now()),
      ...Object.entries(fields).flat(),
    ];
    const reply = await this.redis.nasunetTransition(this.key('job', id), this.key('updates', id), ...argv);
    if (reply[0] === -1) throw new NotFoundError(`job '${id}' does not exist`);
    return reply;
  }

  private async hash(id: string): Promise<Record<string, string>> {
    this.assertOpen();
    const h = await this.redis.hgetall(this.key('job', id));
    if (!h['id']) throw new NotFoundError(`job '${id}' does not exist`);
    return h;
  }

  async enqueue<P>(kind: string, params: P, options: EnqueueOptions = {}): Promise<JobRecord<P>> {
    this.assertOpen();
    if (!kind) throw new ValidationError('job kind must not be empty');
    const id = options.id ?? newJobId();
    if (!JOB_ID_PATTERN.test(id)) throw new ValidationError(`job id '${id}' must match ${JOB_ID_PATTERN}`);
    const stored = await this.redis.nasunetEnqueue(
      this.key('job', id),
      this.key('jobs'),
      this.key('order'),
      this.key('updates', id),
      id,
      String(this.now()),
      kind,
      JSON.stringify(params ?? null),
    );
    if (stored === 0) throw new PreconditionError(`job '${id}' already exists`);
    await this.dispatch(kind, id);
    return (await this.get(id)) as JobRecord<P>;
  }

  /** Hands job `id` to BullMQ, which gives it to the next claim of `kind`. */
  private async dispatch(kind: string, id: string): Promise<void> {
    await this.queueOf(kind).add(kind, {}, { jobId: id, removeOnComplete: true, removeOnFail: true });
  }

  async claim(kind: string, workerId: string): Promise<JobRecord | undefined> {
    this.assertOpen();
    const worker = await this.workerOf(kind);
    for (;;) {
      const token = `${workerId}:${randomBytes(6).toString('hex')}`;
      const bull = (await worker.getNextJob(token, { block: false })) as Job | undefined;
      if (!bull?.id) return undefined;
      const id = bull.id;
      const before = await this.redis.hgetall(this.key('job', id));
      if (!before['id'] || isTerminal(before['state'] as JobState)) {
        // Cancelled while waiting, or finished by a worker that then lost its lease.
        await bull.moveToCompleted(null, token, false).catch(() => undefined);
        continue;
      }
      if (before['state'] === 'running') {
        // Its worker stopped heartbeating and BullMQ handed the job over.
        await this.publish(id, 'interrupted', {
          checkpoint: before['checkpoint'] ?? null,
          attempts: Number(before['attempts']),
        });
      }
      const t = String(this.now());
      const [ok] = await this.transition(
        id,
        ['queued', 'running'],
        { state: 'running', workerId, heartbeatAt: t },
        { claim: true },
      );
      if (ok !== 1) {
        await bull.moveToCompleted(null, token, false).catch(() => undefined);
        continue;
      }
      this.leases.set(id, { job: bull, token });
      return this.get(id);
    }
  }

  async heartbeat(id: string, workerId: string, patch: HeartbeatPatch = {}): Promise<HeartbeatReply> {
    this.assertOpen();
    if (patch.progress !== undefined && !(patch.progress >= 0 && patch.progress <= 1)) {
      throw new ValidationError(`progress must be within [0, 1], got ${patch.progress}`);
    }
    const [ok, state] = await this.redis.nasunetHeartbeat(
      this.key('job', id),
      this.key('updates', id),
      workerId,
      patch.attempt === undefined ? '' : String(patch.attempt),
      String(this.now()),
      patch.progress === undefined ? '' : String(patch.progress),
      patch.checkpoint ?? '',
    );
    if (ok === -1) throw new NotFoundError(`job '${id}' does not exist`);
    const lease = this.leases.get(id);
    if (ok !== 1) {
      await this.release(id, state as JobState);
      return { stop: true, state: state as JobState };
    }
    if (lease && (await lease.job.extendLock(lease.token, this.lockMs).catch(() => 0)) === 0) {
      // The lease ran out (the process stalled longer than lockMs): BullMQ may already have
      // handed the job to another worker, so this one stops.
      this.leases.delete(id);
      return { stop: true, state: 'running' };
    }
    return { stop: false, state: 'running' };
  }

  /** Gives back this process's lease of a job it no longer runs. */
  private async release(id: string, state: JobState): Promise<void> {
    const lease = this.leases.get(id);
    if (!lease) return;
    this.leases.delete(id);
    if (isTerminal(state)) await lease.job.moveToCompleted(null, lease.token, false).catch(() => undefined);
  }

  async publish(id: string, type: string, data: unknown, by?: JobClaim): Promise<JobEvent> {
    this.assertOpen();
    if (!type) throw new ValidationError('event type must not be empty');
    const body = JSON.stringify({ jobId: id, type, at: this.now(), data: data ?? null });
    const stored = await this.redis.nasunetPublish(
      this.key('job', id),
      this.key('events', id),
      this.key('latest', id),
      this.key('updates', id),
      body,
      type,
      String(this.keepEvents),
      by?.workerId ?? '',
      by ? String(by.attempt) : '',
    );
    if (Array.isArray(stored)) {
      if (stored[0] === -1) throw new NotFoundError(`job '${id}' does not exist`);
      throw new PreconditionError(
        `job '${id}' is no longer held by attempt ${by?.attempt}; its event is refused`,
      );
    }
    return JSON.parse(stored) as JobEvent;
  }

  private async finish(
    id: string,
    state: 'done' | 'failed',
    fields: Record<string, string>,
    by: JobClaim | undefined,
  ): Promise<JobRecord> {
    const t = String(this.now());
    const [ok, now] = await this.transition(
      id,
      ['running'],
      { state, finishedAt: t, ...fields },
      by ? { by } : {},
    );
    if (ok !== 1) {
      if (now === 'running') {
        throw new PreconditionError(
          `job '${id}' is held by another attempt; attempt ${by?.attempt} cannot end it`,
        );
      }
      throw new PreconditionError(`job '${id}' is ${now}; only a running job can become ${state}`);
    }
    await this.release(id, state);
    return this.get(id);
  }

  async complete<R>(id: string, result: R, by?: JobClaim): Promise<JobRecord> {
    return this.finish(id, 'done', { result: JSON.stringify(result ?? null), progress: '1' }, by);
  }

  async fail(id: string, error: JobError, by?: JobClaim): Promise<JobRecord> {
    return this.finish(id, 'failed', { error: JSON.stringify(error) }, by);
  }

  async cancel(id: string, reason = 'cancelled by request'): Promise<JobRecord> {
    const error: JobError = { code: 'cancelled', message: reason };
    const [ok, now] = await this.transition(id, ['queued', 'running', 'interrupted'], {
      state: 'cancelled',
      error: JSON.stringify(error),
      finishedAt: String(this.now()),
    });
    if (ok !== 1) throw new PreconditionError(`job '${id}' is already ${now}`);
    const job = await this.get(id);
    // A waiting BullMQ job goes now; a running one when its worker's next heartbeat stops it.
    const bull = await this.queueOf(job.kind).getJob(id);
    await bull?.remove().catch(() => undefined);
    await this.release(id, 'cancelled');
    return job;
  }

  async get(id: string): Promise<JobRecord> {
    return toRecord(await this.hash(id));
  }

  async list(filter: JobFilter = {}): Promise<JobRecord[]> {
    this.assertOpen();
    const limit = filter.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new ValidationError(`limit must be an integer within [1, 1000], got ${limit}`);
    }
    const states = filter.states && filter.states.length > 0 ? new Set(filter.states) : undefined;
    const out: JobRecord[] = [];
    const batch = 200;
    for (let start = 0; out.length < limit; start += batch) {
      const ids = await this.redis.zrevrange(this.key('jobs'), start, start + batch - 1);
      if (ids.length === 0) break;
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.hgetall(this.key('job', id));
      for (const [err, h] of (await pipe.exec()) ?? []) {
        if (err) throw err;
        const rec = h as Record<string, string>;
        if (!rec['id']) continue;
        const job = toRecord(rec);
        if (filter.kind && job.kind !== filter.kind) continue;
        if (states && !states.has(job.state)) continue;
        out.push(job);
        if (out.length === limit) break;
      }
    }
    return out;
  }

  async events(id: string): Promise<JobEvent[]> {
    await this.hash(id);
    const recent = (await this.redis.lrange(this.key('events', id), 0, -1)).map(
      (e) => JSON.parse(e) as JobEvent,
    );
    const first = recent[0]?.seq ?? Infinity;
    const older = Object.values(await this.redis.hgetall(this.key('latest', id)))
      .map((e) => JSON.parse(e) as JobEvent)
      .filter((e) => e.seq < first);
    return [...older, ...recent].sort((a, b) => a.seq - b.seq);
  }

  async *watch(id: string, signal?: AbortSignal): AsyncIterable<JobUpdate> {
    this.assertOpen();
    const [flat, lastId] = await this.redis.nasunetSnapshot(this.key('job', id), this.key('updates', id));
    if (flat.length === 0) throw new NotFoundError(`job '${id}' does not exist`);
    const job = toRecord(pairs(flat));
    const history = await this.events(id);
    let lastSeq = 0;
    yield { kind: 'state', job };
    for (const event of history) {
      lastSeq = Math.max(lastSeq, event.seq);
      yield { kind: 'event', event };
    }
    if (isTerminal(job.state)) {
      yield { kind: 'state', job };
      return;
    }
    // A connection of its own: XREAD blocks it until the job's stream grows.
    const reader = this.redis.duplicate();
    this.readers.add(reader);
    const onAbort = (): void => reader.disconnect();
    signal?.addEventListener('abort', onAbort);
    let cursor = lastId;
    try {
      while (!signal?.aborted && !this.closed) {
        const reply = await reader
          .xread('BLOCK', 5000, 'STREAMS', this.key('updates', id), cursor)
          .catch((err: unknown) => {
            if (signal?.aborted || this.closed) return null;
            throw err;
          });
        if (!reply) continue;
        for (const [entryId, fields] of reply[0]![1]) {
          cursor = entryId;
          const entry = pairs(fields);
          if (entry['event'] !== undefined) {
            const event = JSON.parse(entry['event']) as JobEvent;
            if (event.seq <= lastSeq) continue;
            lastSeq = event.seq;
            yield { kind: 'event', event };
          } else if (entry['state'] !== undefined) {
            const next = toRecord(JSON.parse(entry['state']) as Record<string, string>);
            yield { kind: 'state', job: next };
            if (isTerminal(next.state)) return;
          }
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.readers.delete(reader);
      reader.disconnect();
    }
  }

  /**
   * Reports nothing: other processes may be running this kind's jobs, and a job whose worker
   * died is found by its lease running out instead (see the class comment).
   */
  async markInterrupted(_kind: string): Promise<JobRecord[]> {
    this.assertOpen();
    return [];
  }

  async requeue(id: string): Promise<JobRecord> {
    const [ok, now] = await this.transition(id, ['interrupted'], { state: 'queued', workerId: '' });
    if (ok !== 1)
      throw new PreconditionError(`job '${id}' is ${now}; only an interrupted job can be requeued`);
    const job = await this.get(id);
    await this.dispatch(job.kind, id);
    return job;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.readers) r.disconnect();
    await Promise.all([...this.workers.values()].map((w) => w.close(true)));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.redis.quit().catch(() => undefined);
  }
}
