import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestWeightsPathOf, carryBestWeights, jobCheckpointPath } from './job-run.js';
import { jobOutcome, jobStatus } from './job-state.js';
import type { JobRecord } from '../../../libs/jobs/src/index.js';

test('a job checkpoint lies in <workDir>/checkpoints/<jobId>.a<attempt>.ckpt', () => {
  assert.equal(jobCheckpointPath('/data/search', 'search-1', 2), '/data/search/checkpoints/search-1.a2.ckpt');
});

test("a resumed attempt starts from a copy of its checkpoint's best weights; the stale attempt's later writes stay its own", () => {
  const work = mkdtempSync(join(tmpdir(), 'nasunet-best-'));
  try {
    mkdirSync(join(work, 'checkpoints'));
    const first = jobCheckpointPath(work, 'train-1', 1);
    const second = jobCheckpointPath(work, 'train-1', 2);
    assert.equal(bestWeightsPathOf(second), join(work, 'checkpoints', 'train-1.a2.best'));
    writeFileSync(bestWeightsPathOf(first), 'best of epoch 1');
    carryBestWeights(first, bestWeightsPathOf(second));
    // The first attempt's worker lost the job but still runs and finds better weights.
    writeFileSync(bestWeightsPathOf(first), 'best of epoch 2, stale attempt');
    assert.equal(readFileSync(bestWeightsPathOf(second), 'utf8'), 'best of epoch 1');
    // A fresh start, or a checkpoint without best weights yet, carries nothing.
    carryBestWeights(undefined, bestWeightsPathOf(jobCheckpointPath(work, 'train-2', 1)));
    carryBestWeights(
      jobCheckpointPath(work, 'train-3', 1),
      bestWeightsPathOf(jobCheckpointPath(work, 'train-3', 2)),
    );
    assert.throws(() => readFileSync(join(work, 'checkpoints', 'train-2.a1.best')), /ENOENT/);
    assert.throws(() => readFileSync(join(work, 'checkpoints', 'train-3.a2.best')), /ENOENT/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('jobStatus and jobOutcome carry the error only of a failed job, and its times as RFC 3339', () => {
  const base = {
    id: 'j',
    kind: 'search',
    params: {},
    attempts: 1,
    createdAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    updatedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    error: { code: 'precondition', message: 'dataset changed' },
  } as unknown as JobRecord;
  const failed = { ...base, state: 'failed', startedAt: Date.UTC(2026, 0, 2, 3, 5, 0, 0) } as JobRecord;
  const running = { ...base, state: 'running' } as JobRecord;
  assert.deepEqual(jobStatus(failed), { state: 'JOB_STATE_FAILED', errorMessage: 'dataset changed' });
  assert.deepEqual(jobStatus(running), { state: 'JOB_STATE_RUNNING', errorMessage: '' });
  assert.deepEqual(jobOutcome(failed), {
    errorMessage: 'dataset changed',
    createdAt: '2026-01-02T03:04:05.006Z',
    startedAt: '2026-01-02T03:05:00.000Z',
    finishedAt: '',
  });
  assert.equal(jobOutcome(running).errorMessage, '');
});
