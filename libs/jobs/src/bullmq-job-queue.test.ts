import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startRedis, type RedisServer } from '../../../test/support/redis.js';
import { BullMqJobQueue } from './bullmq-job-queue.js';
import { runJobInChild } from './child-runner.js';
import { JobWorker } from './job-worker.js';
import { jobQueueContract } from './job-queue-contract.js';
import type { JobQueue } from './job-queue.js';
import { isTerminal, type JobRecord, type JobUpdate } from './types.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

/** Lease of the tests' queues: a dead worker's job is handed over within about a second. */
const LOCK_MS = 600;

/** A queue on its own key prefix (an empty queue) or on `prefix` (another process's view). */
function openQueue(prefix = `t${randomBytes(4).toString('hex')}`, keepEvents?: number): BullMqJobQueue {
  return new BullMqJobQueue({
    url: redis.url,
    prefix,
    lockMs: LOCK_MS,
    ...(keepEvents === undefined ? {} : { keepEvents }),
  });
}

jobQueueContract({
  name: 'bullmq',
  open: async (options = {}) => openQueue(undefined, options.keepEvents),
  // The worker stops heartbeating; BullMQ's stalled check hands the job back once the lease ran out.
  takeOver: async (_q: JobQueue, _id: string) => {
    await new Promise((resolve) => setTimeout(resolve, LOCK_MS * 3));
  },
});

test('bullmq: a watcher in another process sees the updates a worker publishes', async () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const api = openQueue(prefix);
  const worker = openQueue(prefix);
  const job = await api.enqueue('search', { seed: 3 });
  const seen: JobUpdate[] = [];
  const watching = (async () => {
    for await (const u of api.watch(job.id)) seen.push(u);
  })();
  const claimed = await worker.claim('search', 'w1');
  assert.equal(claimed?.id, job.id);
  await worker.publish(job.id, 'epoch', { epoch: 1 });
  await worker.heartbeat(job.id, 'w1', { progress: 0.5, attempt: 1 });
  await worker.complete(job.id, { genotype: 'g' }, { workerId: 'w1', attempt: 1 });
  await watching;
  assert.deepEqual(
    seen.map((u) => (u.kind === 'state' ? `${u.job.state}:${u.job.progress}` : `event:${u.event.type}`)),
    ['queued:0', 'running:0', 'event:epoch', 'running:0.5', 'done:1'],
  );
  assert.deepEqual((await api.get(job.id)).result, { genotype: 'g' });
  await worker.close();
  await api.close();
});

test('bullmq: a job cancelled while another process runs it stops that worker at its next heartbeat', async () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const api = openQueue(prefix);
  const worker = openQueue(prefix);
  const job = await api.enqueue('search', {});
  await worker.claim('search', 'w1');
  await api.cancel(job.id, 'no longer needed');
  assert.deepEqual(await worker.heartbeat(job.id, 'w1', { attempt: 1 }), { stop: true, state: 'cancelled' });
  // The lease is given back: the job is not handed to anyone once its lease would have run out.
  await new Promise((resolve) => setTimeout(resolve, LOCK_MS * 3));
  assert.equal(await worker.claim('search', 'w2'), undefined);
  assert.deepEqual((await api.get(job.id)).error, { code: 'cancelled', message: 'no longer needed' });
  await worker.close();
  await api.close();
});

test('bullmq: heartbeats keep the lease: a job whose worker beats is never handed over', async () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const a = openQueue(prefix);
  const b = openQueue(prefix);
  const job = await a.enqueue('search', {});
  await a.claim('search', 'w1');
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, LOCK_MS / 3));
    assert.deepEqual(await a.heartbeat(job.id, 'w1', { attempt: 1 }), { stop: false, state: 'running' });
    assert.equal(await b.claim('search', 'w2'), undefined, `handed over after ${i + 1} beats`);
  }
  assert.equal((await b.get(job.id)).attempts, 1);
  await b.close();
  await a.close();
});

test("bullmq: a job process computing without a pause for five leases keeps its job: the worker's process renews the lease", async () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const a = openQueue(prefix);
  const b = openQueue(prefix);
  const worker = new JobWorker<{ mode: string; ms: number }, unknown>(
    a,
    'block',
    (job, ctx) => runJobInChild(new URL('./child-runner.fixture.js', import.meta.url), job, ctx, job.params),
    { workerId: 'w1', heartbeatMs: LOCK_MS / 4, pollMs: 50 },
  );
  try {
    const job = await b.enqueue('block', { mode: 'block', ms: LOCK_MS * 5 });
    let end: JobRecord | undefined;
    const ended = (async () => {
      for await (const u of b.watch(job.id)) if (u.kind === 'state' && isTerminal(u.job.state)) end = u.job;
    })();
    worker.start();
    while ((await b.get(job.id)).state === 'queued') await new Promise((resolve) => setTimeout(resolve, 20));
    // Another worker, whose queue runs BullMQ's stalled-job check, finds nothing to take meanwhile.
    let polls = 0;
    while (end === undefined) {
      assert.equal(await b.claim('block', 'w2'), undefined, `handed over after ${polls} polls`);
      polls++;
      await new Promise((resolve) => setTimeout(resolve, LOCK_MS / 3));
    }
    await ended;
    assert.equal(end.state, 'done');
    assert.equal(end.attempts, 1);
    assert.equal(end.workerId, 'w1');
    assert.ok((end.result as { blockedMs: number }).blockedMs >= LOCK_MS * 5);
    assert.ok(polls >= 10, `${polls} polls while it computed`);
  } finally {
    await worker.stop();
    await b.close();
    await a.close();
  }
});
