import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, PreconditionError, ValidationError } from '../../core/src/index.js';
import { SqliteJobQueue } from './sqlite-job-queue.js';
import type { JobUpdate } from './types.js';

function tempFile(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
  return { file: join(dir, 'jobs.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a job goes queued -> running -> done and keeps its result', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
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
  await q.close();
});

test('illegal transitions and unknown ids throw domain errors', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
  await assert.rejects(q.get('job_missing'), NotFoundError);
  const a = await q.enqueue('search', {});
  await assert.rejects(q.complete(a.id, {}), PreconditionError);
  await q.cancel(a.id);
  assert.equal((await q.get(a.id)).state, 'cancelled');
  await assert.rejects(q.cancel(a.id), PreconditionError);
  await assert.rejects(q.enqueue('search', {}, { id: 'bad id!' }), ValidationError);
  await q.enqueue('search', {}, { id: 'fixed-1' });
  await assert.rejects(q.enqueue('search', {}, { id: 'fixed-1' }), PreconditionError);
  await assert.rejects(q.list({ limit: 0 }), ValidationError);
  await q.close();
});

test('a heartbeat tells the worker to stop once the job is cancelled', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
  const a = await q.enqueue('search', {});
  await q.claim('search', 'w1');
  assert.deepEqual(await q.heartbeat(a.id, 'w1', { progress: 0.5 }), { stop: false, state: 'running' });
  assert.equal((await q.get(a.id)).progress, 0.5);
  await q.cancel(a.id);
  assert.deepEqual(await q.heartbeat(a.id, 'w1'), { stop: true, state: 'cancelled' });
  await q.close();
});

test('running jobs survive a restart as interrupted with their checkpoint and resume', async () => {
  const { file, cleanup } = tempFile();
  try {
    const q1 = new SqliteJobQueue({ file });
    const a = await q1.enqueue('search', { epochs: 4 });
    await q1.claim('search', 'w1');
    await q1.heartbeat(a.id, 'w1', { checkpoint: '/ckpt/epoch-2', progress: 0.5 });
    await q1.close();

    const q2 = new SqliteJobQueue({ file });
    const interrupted = await q2.markInterrupted('search');
    assert.deepEqual(
      interrupted.map((j) => [j.id, j.state, j.checkpoint]),
      [[a.id, 'interrupted', '/ckpt/epoch-2']],
    );
    const events = await q2.events(a.id);
    assert.equal(events.at(-1)?.type, 'interrupted');
    await q2.requeue(a.id);
    const again = await q2.claim('search', 'w2');
    assert.equal(again?.attempts, 2);
    assert.equal(again?.checkpoint, '/ckpt/epoch-2');
    assert.deepEqual(again?.params, { epochs: 4 });
    await q2.close();
  } finally {
    cleanup();
  }
});

test('events are compacted to the last N plus the latest of each type', async () => {
  const q = new SqliteJobQueue({ file: ':memory:', keepEvents: 3 });
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
  await q.close();
});

test('a late watcher first gets the current state and history, then live updates until the end', async () => {
  const q = new SqliteJobQueue({ file: ':memory:' });
  const a = await q.enqueue('search', {});
  await q.claim('search', 'w1');
  await q.publish(a.id, 'epoch', { epoch: 1 });
  const seen: JobUpdate[] = [];
  const watching = (async () => {
    for await (const u of q.watch(a.id)) {
      seen.push(u);
      if (u.kind === 'event' && u.event.type === 'epoch' && (u.event.data as { epoch: number }).epoch === 1) {
        await q.publish(a.id, 'epoch', { epoch: 2 });
        await q.complete(a.id, { ok: true });
      }
    }
  })();
  await watching;
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
