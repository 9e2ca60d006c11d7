/**
 * Checkpoint retention on real files and a real job store: done and cancelled jobs lose
 * their checkpoints, failed ones keep them for the retention time, queued, running and
 * interrupted ones keep them, and files of unknown jobs go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJobQueue } from '../../../libs/jobs/src/index.js';
import { CheckpointRetention } from './checkpoint-retention.js';

test('checkpoints go by the state of their job', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'checkpoints-'));
  const q = new SqliteJobQueue({ file: ':memory:' });
  try {
    const job = async (id: string, end?: 'done' | 'failed' | 'cancelled' | 'interrupted' | 'running') => {
      await q.enqueue('search', {}, { id });
      if (end && end !== 'cancelled') await q.claim('search', 'w');
      if (end === 'done') await q.complete(id, {});
      if (end === 'failed') await q.fail(id, { code: 'internal', message: 'x' });
      if (end === 'cancelled') await q.cancel(id);
      if (end === 'interrupted') await q.markInterrupted('search');
      for (const suffix of ['ckpt', 'best', 'ckpt.tmp-1']) await writeFile(join(dir, `${id}.${suffix}`), 'x');
    };
    await job('done-1', 'done');
    await job('cancelled-1', 'cancelled');
    await job('failed-1', 'failed');
    await job('interrupted-1', 'interrupted');
    await job('running-1', 'running');
    await job('queued-1');
    await writeFile(join(dir, 'unknown-1.ckpt'), 'x');
    const hour = 3600_000;
    const retention = new CheckpointRetention(dir, q, hour);
    const left = async () => [...new Set((await readdir(dir)).map((n) => n.split('.')[0]))].sort();

    assert.deepEqual((await retention.sweep()).sort(), ['cancelled-1', 'done-1', 'unknown-1']);
    assert.deepEqual(await left(), ['failed-1', 'interrupted-1', 'queued-1', 'running-1']);
    assert.deepEqual(await retention.sweep(Date.now() + hour + 1000), ['failed-1']);
    assert.deepEqual(await left(), ['interrupted-1', 'queued-1', 'running-1']);
  } finally {
    await q.close();
    await rm(dir, { recursive: true, force: true });
  }
});
