import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { ValidationError } from '../../core/src/index.js';
import { JobWorker, confirmClaim } from './job-worker.js';
import { SqliteJobQueue } from './sqlite-job-queue.js';
import { isTerminal, type JobRecord } from './types.js';

async function until(q: SqliteJobQueue, id: string, pred: (j: JobRecord) => boolean): Promise<JobRecord> {
  for await (const u of q.watch(id)) if (u.kind === 'state' && pred(u.job)) return u.job;
  return q.get(id);
}

test('a worker runs jobs, publishes events and records results or domain failures', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
  const worker = new JobWorker<{ n: number }, { square: number }>(q, 'calc', async (job, ctx) => {
    if (job.params.n < 0) throw new ValidationError('n must be >= 0');
    await ctx.publish('step', { n: job.params.n });
    await ctx.report({ progress: 0.5, checkpoint: `ckpt-${job.params.n}` });
    return { square: job.params.n * job.params.n };
  });
  worker.start();
  const ok = await q.enqueue('calc', { n: 7 });
  const bad = await q.enqueue('calc', { n: -1 });
  worker.wake();
  const okEnd = await until(q, ok.id, (j) => isTerminal(j.state));
  const badEnd = await until(q, bad.id, (j) => isTerminal(j.state));
  assert.equal(okEnd.state, 'done');
  assert.deepEqual(okEnd.result, { square: 49 });
  assert.equal(okEnd.checkpoint, 'ckpt-7');
  assert.deepEqual(
    (await q.events(ok.id)).map((e) => e.data),
    [{ n: 7 }],
  );
  assert.equal(badEnd.state, 'failed');
  assert.deepEqual(badEnd.error, { code: 'invalid_argument', message: 'n must be >= 0' });
  await worker.stop();
  await q.close();
});

test('cancel aborts a running handler through its AbortSignal', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
  const started = new EventEmitter();
  let sawAbort = false;
  const worker = new JobWorker(q, 'long', async (_job, ctx) => {
    started.emit('go');
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    sawAbort = ctx.signal.aborted;
    return { finished: true };
  });
  worker.start();
  const job = await q.enqueue('long', {});
  worker.wake();
  await once(started, 'go');
  assert.deepEqual(worker.runningJobs(), [job.id]);
  await worker.cancel(job.id);
  await worker.stop();
  assert.equal(sawAbort, true);
  const end = await q.get(job.id);
  assert.equal(end.state, 'cancelled');
  assert.equal(end.result, undefined);
  await q.close();
});

test('a resumed job receives its checkpoint and attempt number', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
  const job = await q.enqueue('train', {});
  await q.claim('train', 'dead-worker');
  await q.heartbeat(job.id, 'dead-worker', { checkpoint: 'epoch-3' });
  await q.markInterrupted('train');
  await q.requeue(job.id);
  const seen: Array<[string | undefined, number]> = [];
  const worker = new JobWorker(q, 'train', async (_j, ctx) => {
    seen.push([ctx.resumeFrom, ctx.attempt]);
    return {};
  });
  worker.start();
  const end = await until(q, job.id, (j) => isTerminal(j.state));
  await worker.stop();
  assert.equal(end.state, 'done');
  assert.deepEqual(seen, [['epoch-3', 2]]);
  await q.close();
});

test('confirmClaim lets only the attempt that holds its job register a result', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
  const computed = new EventEmitter();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const registered: string[] = [];
  // No timed heartbeat while the handler computes: only confirmClaim asks the queue.
  const worker = new JobWorker<{ n: number }, { n: number }>(
    q,
    'register',
    async (job, ctx) => {
      computed.emit('done', job.id);
      await gate;
      await confirmClaim(ctx);
      registered.push(job.id);
      return { n: job.params.n };
    },
    { heartbeatMs: 600_000, concurrency: 2 },
  );
  worker.start();
  const kept = await q.enqueue('register', { n: 1 });
  const dropped = await q.enqueue('register', { n: 2 });
  worker.wake();
  const seen = new Set<string>();
  await new Promise<void>((resolve) =>
    computed.on('done', (id: string) => {
      seen.add(id);
      if (seen.size === 2) resolve();
    }),
  );
  // Cancelled by another process (an API replica) while this worker computed.
  await q.cancel(dropped.id);
  open();
  const keptEnd = await until(q, kept.id, (j) => isTerminal(j.state));
  await worker.stop();
  assert.deepEqual(registered, [kept.id], 'the cancelled job registered nothing');
  assert.deepEqual(keptEnd.result, { n: 1 });
  const droppedEnd = await q.get(dropped.id);
  assert.equal(droppedEnd.state, 'cancelled');
  assert.equal(droppedEnd.result, undefined);
  await q.close();
});
