import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJobInChild } from './child-runner.js';
import { JobWorker } from './job-worker.js';
import { SqliteJobQueue } from './sqlite-job-queue.js';
import { isTerminal, type JobRecord } from './types.js';

const FIXTURE = new URL('./child-runner.fixture.js', import.meta.url);

/** True while a process with this id exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A queue and a worker whose jobs run in the fixture process; records each job's pid. */
function setup(killAfterMs = 30_000) {
  const q = new SqliteJobQueue({ file: ':memory:' });
  const pids = new Map<string, number>();
  const settled = new Map<string, () => void>();
  const worker = new JobWorker<{ mode: string }, unknown>(
    q,
    'child',
    (job, ctx) =>
      runJobInChild(FIXTURE, job, ctx, job.params, { killAfterMs, onSpawn: (pid) => pids.set(job.id, pid) }),
    { onSettled: (id) => settled.get(id)?.() },
  );
  worker.start();
  const start = async (mode: string) => {
    const job = await q.enqueue('child', { mode });
    const ended = new Promise<void>((resolve) => settled.set(job.id, resolve));
    worker.wake();
    return { id: job.id, ended };
  };
  const until = async (id: string, pred: (j: JobRecord) => boolean): Promise<JobRecord> => {
    for await (const u of q.watch(id)) if (u.kind === 'state' && pred(u.job)) return u.job;
    return q.get(id);
  };
  const close = async () => {
    await worker.stop();
    await q.close();
  };
  return { q, worker, pids, start, until, close };
}

test('a job runs in its own process: events, progress, checkpoint and result come back over IPC', async () => {
  const s = setup();
  try {
    const { id } = await s.start('echo');
    const end = await s.until(id, (j) => isTerminal(j.state));
    assert.equal(end.state, 'done');
    const result = end.result as { pid: number; params: unknown; resumeFrom: unknown };
    assert.notEqual(result.pid, process.pid);
    assert.equal(result.pid, s.pids.get(id));
    assert.deepEqual(result.params, { mode: 'echo' });
    assert.equal(result.resumeFrom, null);
    assert.equal(end.checkpoint, 'ckpt-1');
    assert.deepEqual(
      (await s.q.events(id)).map((e) => [e.type, e.data]),
      [['step', { n: 1 }]],
    );
  } finally {
    await s.close();
  }
});

test('a domain error fails the job with its code and no server path; a crash fails it saying so', async () => {
  const s = setup();
  try {
    const failed = await s.start('fail');
    const f = await s.until(failed.id, (j) => isTerminal(j.state));
    assert.equal(f.state, 'failed');
    assert.equal(f.error?.code, 'invalid_argument');
    assert.doesNotMatch(f.error?.message ?? '', /\/srv\/|DOE_JOHN/);
    assert.match(f.error?.message ?? '', /not a PNG/);

    const crashed = await s.start('crash');
    const c = await s.until(crashed.id, (j) => isTerminal(j.state));
    assert.equal(c.state, 'failed');
    assert.deepEqual(c.error, {
      code: 'internal',
      message: "the job's process exited with code 3 before the job finished",
    });
  } finally {
    await s.close();
  }
});

test('cancelling stops the job process; one that ignores the abort is killed', async () => {
  const s = setup(500);
  try {
    for (const mode of ['wait', 'hang']) {
      const { id, ended } = await s.start(mode);
      await s.until(id, (j) => j.state === 'running');
      while (!s.pids.has(id)) await new Promise((r) => setTimeout(r, 20));
      const pid = s.pids.get(id)!;
      // Give the process time to load and take the job before it is cancelled.
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(alive(pid), `${mode}: the job's process runs`);
      await s.worker.cancel(id);
      await ended;
      assert.equal(alive(pid), false, `${mode}: the job's process is gone`);
      assert.equal((await s.q.get(id)).state, 'cancelled');
    }
  } finally {
    await s.close();
  }
});
