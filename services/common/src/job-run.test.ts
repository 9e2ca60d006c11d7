import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobCheckpointPath } from './job-run.js';
import { jobOutcome, jobStatus } from './job-state.js';
import type { JobRecord } from '../../../libs/jobs/src/index.js';

test('a job checkpoint lies in <workDir>/checkpoints/<jobId>.a<attempt>.ckpt', () => {
  assert.equal(jobCheckpointPath('/data/search', 'search-1', 2), '/data/search/checkpoints/search-1.a2.ckpt');
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
