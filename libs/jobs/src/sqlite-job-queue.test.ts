import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobQueueContract } from './job-queue-contract.js';
import { SqliteJobQueue } from './sqlite-job-queue.js';

jobQueueContract({
  name: 'sqlite',
  open: async (options = {}) => new SqliteJobQueue({ file: ':memory:', ...options }),
  takeOver: async (q, id) => {
    await q.markInterrupted((await q.get(id)).kind);
    await q.requeue(id);
  },
});

function tempFile(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
  return { file: join(dir, 'jobs.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('sqlite: running jobs survive a restart as interrupted with their checkpoint and resume', async () => {
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
