/**
 * The behaviour every `JobQueue` implementation owes its callers, as one test suite run
 * against each implementation (sqlite-job-queue.test.ts, bullmq-job-queue.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, PreconditionError, ValidationError } from '../../core/src/index.js';
import type { JobQueue } from './job-queue.js';
import type { JobUpdate } from './types.js';

/** How the suite gets queues of one implementation. */
export interface JobQueueFactory {
  /** Implementation name, in the test titles. */
  name: string;
  /** A new, empty queue. */
  open(options?: { keepEvents?: number }): Promise<JobQueue>;
  /**
   * Makes the running job `id` claimable again as its worker's crash would (SQLite: a
   * restart's markInterrupted and requeue; BullMQ: the worker's lease runs out).
   */
  takeOver(queue: JobQueue, id: string): Promise<void>;
}

/** Registers the contract tests for one implementation. */
export function jobQueueContract(factory: JobQueueFactory): void {
  const named = (title: string): string => `${factory.name}: ${title}`;

  test(named('a job goes queued -> running -> done and keeps its result'), async () => {
    const q = await factory.open();
    const a = await q.enqueue('search', { seed: 1 });
    const b = await q.enqueue('training', { seed: 2 });
    assert.equal(a.state, 'queued');
    assert.match(a.id, /^job_[0-9a-f]{24}$/);
    assert.equal(await q.claim('other', 'w1'), undefined);
    const claimed = await q.claim('search', 'w1');
    assert.equal(claimed?.id, a.id);
    assert.equal(claimed?.state, 'running');
    assert.equal(claimed?.attempts, 1);
    assert.equal(claimed?.workerId, 'w1');
    assert.deepEqual(claimed?.params, { seed: 1 });
    assert.equal(await q.claim('search', 'w2'), undefined, 'a running job is not claimed twice');
    const done = await q.complete(a.id, { genotypeVersion: 3 });
    assert.equal(done.state, 'done');
    assert.equal(done.progress, 1);
    assert.deepEqual(done.result, { genotypeVersion: 3 });
    assert.deepEqual(
      (await q.list({ states: ['queued'] })).map((j) => j.id),
      [b.id],
    );
    assert.deepEqual(
      (await q.list({ kind: 'search' })).map((j) => j.id),
      [a.id],
    );
    assert.deepEqual(
      (await q.list()).map((j) => j.id),
      [b.id, a.id],
      'newest first',
    );
    await q.close();
  });

  test(named('illegal transitions and unknown ids throw domain errors'), async () => {
    const q = await factory.open();
    await assert.rejects(q.get('job_missing'), NotFoundError);
    await assert.rejects(q.heartbeat('job_missing', 'w1'), NotFoundError);
    const a = await q.enqueue('search', {});
    await assert.rejects(q.complete(a.id, {}), PreconditionError);
    await q.cancel(a.id);
    assert.equal((await q.get(a.id)).state, 'cancelled');
    assert.equal(await q.claim('search', 'w1'), undefined, 'a cancelled job is never claimed');
    await assert.rejects(q.cancel(a.id), PreconditionError);
    await assert.rejects(q.enqueue('search', {}, { id: 'bad id!' }), ValidationError);
    await q.enqueue('search', {}, { id: 'fixed-1' });
    await assert.rejects(q.enqueue('search', {}, { id: 'fixed-1' }), PreconditionError);
    await assert.rejects(q.list({ limit: 0 }), ValidationError);
    await q.close();
  });

  test(named('a heartbeat tells the worker to stop once the job is cancelled'), async () => {
    const q = await factory.open();
    const a = await q.enqueue('search', {});
    await q.claim('search', 'w1');
    assert.deepEqual(await q.heartbeat(a.id, 'w1', { progress: 0.5 }), { stop: false, state: 'running' });
    assert.equal((await q.get(a.id)).progress, 0.5);
    await assert.rejects(q.heartbeat(a.id, 'w1', { progress: 2 }), ValidationError);
    await q.cancel(a.id);
    assert.deepEqual(await q.heartbeat(a.id, 'w1'), { stop: true, state: 'cancelled' });
    const end = await q.get(a.id);
    assert.deepEqual(end.error, { code: 'cancelled', message: 'cancelled by request' });
    await q.close();
  });

  test(named('a failed job keeps its error'), async () => {
    const q = await factory.open();
    const a = await q.enqueue('search', {});
    await q.claim('search', 'w1');
    const failed = await q.fail(a.id, { code: 'invalid_argument', message: 'bad dataset' });
    assert.equal(failed.state, 'failed');
    assert.deepEqual((await q.get(a.id)).error, { code: 'invalid_argument', message: 'bad dataset' });
    await q.close();
  });

  test(named('a job taken over by a new attempt refuses the stale attempt'), async () => {
    const q = await factory.open();
    const a = await q.enqueue('search', { epochs: 4 });
    await q.claim('search', 'w1');
    await q.heartbeat(a.id, 'w1', { checkpoint: 'ckpt-attempt-1', attempt: 1 });
    await factory.takeOver(q, a.id);
    const again = await q.claim('search', 'w1');
    assert.equal(again?.id, a.id);
    assert.equal(again?.attempts, 2);
    assert.equal(again?.checkpoint, 'ckpt-attempt-1', 'the new attempt resumes from the last checkpoint');
    assert.deepEqual(
      (await q.events(a.id)).filter((e) => e.type === 'interrupted').map((e) => e.data),
      [{ checkpoint: 'ckpt-attempt-1', attempts: 1 }],
    );
    assert.deepEqual(await q.heartbeat(a.id, 'w1', { checkpoint: 'ckpt-attempt-2', attempt: 2 }), {
      stop: false,
      state: 'running',
    });
    // The first attempt's worker (same worker id, still alive) writes its checkpoint late.
    assert.deepEqual(await q.heartbeat(a.id, 'w1', { checkpoint: 'ckpt-attempt-1-late', attempt: 1 }), {
      stop: true,
      state: 'running',
    });
    assert.equal((await q.get(a.id)).checkpoint, 'ckpt-attempt-2', 'the stale checkpoint write is refused');
    await assert.rejects(
      q.publish(a.id, 'step', { step: 9 }, { workerId: 'w1', attempt: 1 }),
      PreconditionError,
    );
    await q.publish(a.id, 'step', { step: 3 }, { workerId: 'w1', attempt: 2 });
    assert.deepEqual(
      (await q.events(a.id)).filter((e) => e.type === 'step').map((e) => e.data),
      [{ step: 3 }],
      'only the holding attempt publishes',
    );
    await assert.rejects(q.complete(a.id, { from: 1 }, { workerId: 'w1', attempt: 1 }), PreconditionError);
    await assert.rejects(q.complete(a.id, { from: 2 }, { workerId: 'w2', attempt: 2 }), PreconditionError);
    const done = await q.complete(a.id, { from: 2 }, { workerId: 'w1', attempt: 2 });
    assert.deepEqual(done.result, { from: 2 });
    await q.close();
  });

  test(named('events are compacted to the last N plus the latest of each type'), async () => {
    const q = await factory.open({ keepEvents: 3 });
    const a = await q.enqueue('search', {});
    await q.publish(a.id, 'genotype', { v: 1 });
    for (let e = 1; e <= 10; e++) await q.publish(a.id, 'epoch', { epoch: e });
    const kept = await q.events(a.id);
    assert.deepEqual(
      kept.map((e) => [e.seq, e.type, e.data]),
      [
        [1, 'genotype', { v: 1 }],
        [9, 'epoch', { epoch: 8 }],
        [10, 'epoch', { epoch: 9 }],
        [11, 'epoch', { epoch: 10 }],
      ],
    );
    await assert.rejects(q.publish('job_missing', 'epoch', {}), NotFoundError);
    await q.close();
  });

  test(named('a late watcher gets the state and history, then live updates until the end'), async () => {
    const q = await factory.open();
    const a = await q.enqueue('search', {});
    await q.claim('search', 'w1');
    await q.publish(a.id, 'epoch', { epoch: 1 });
    const seen: JobUpdate[] = [];
    for await (const u of q.watch(a.id)) {
      seen.push(u);
      if (u.kind === 'event' && u.event.type === 'epoch' && (u.event.data as { epoch: number }).epoch === 1) {
        await q.publish(a.id, 'epoch', { epoch: 2 });
        await q.complete(a.id, { ok: true });
      }
    }
    assert.deepEqual(
      seen.map((u) => (u.kind === 'state' ? `state:${u.job.state}` : `event:${u.event.seq}`)),
      ['state:running', 'event:1', 'event:2', 'state:done'],
    );
    // A watcher of a finished job gets the final state and history, and the stream ends with
    // the final state again, as a live job's stream does.
    const after: string[] = [];
    for await (const u of q.watch(a.id)) after.push(u.kind === 'state' ? `state:${u.job.state}` : u.kind);
    assert.deepEqual(after, ['state:done', 'event', 'event', 'state:done']);
    await q.close();
  });

  test(named('a watch ends when its signal aborts'), async () => {
    const q = await factory.open();
    const a = await q.enqueue('search', {});
    const abort = new AbortController();
    const seen: string[] = [];
    for await (const u of q.watch(a.id, abort.signal)) {
      seen.push(u.kind === 'state' ? `state:${u.job.state}` : 'event');
      abort.abort();
    }
    assert.deepEqual(seen, ['state:queued']);
    await q.close();
  });
}
