/**
 * Mapping between the job queue's states and the proto enum `nasunet.v1.JobState`.
 */
import type { JobState as ProtoJobState } from '../../../libs/rpc/src/index.js';
import { ValidationError } from '../../../libs/core/src/index.js';
import type { JobRecord, JobState } from '../../../libs/jobs/src/index.js';
import { toTimestamp } from './time.js';

const TO_PROTO: Record<JobState, ProtoJobState> = {
  queued: 'JOB_STATE_QUEUED',
  running: 'JOB_STATE_RUNNING',
  interrupted: 'JOB_STATE_INTERRUPTED',
  done: 'JOB_STATE_DONE',
  failed: 'JOB_STATE_FAILED',
  cancelled: 'JOB_STATE_CANCELLED',
};

/** Queue state -> proto enum name. */
export function jobStateToProto(state: JobState): ProtoJobState {
  return TO_PROTO[state];
}

/** Proto enum (name or number) -> queue state; undefined for UNSPECIFIED (= any). */
export function jobStateFromProto(value: unknown): JobState | undefined {
  if (value === undefined || value === null || value === 'JOB_STATE_UNSPECIFIED' || value === 0)
    return undefined;
  for (const [k, v] of Object.entries(TO_PROTO)) if (v === value) return k as JobState;
  const names = ['QUEUED', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'INTERRUPTED'];
  if (typeof value === 'number' && value >= 1 && value <= 6) {
    return jobStateFromProto(`JOB_STATE_${names[value - 1]}`);
  }
  throw new ValidationError(`state: unknown job state ${String(value)}`);
}

/** The proto state of a job and its error message ('' unless it failed). */
export function jobStatus(job: JobRecord): { state: ProtoJobState; errorMessage: string } {
  return {
    state: jobStateToProto(job.state),
    errorMessage: job.state === 'failed' ? (job.error?.message ?? '') : '',
  };
}

/** A job's error message ('' unless it failed) and its times as RFC 3339 ('' when absent). */
export function jobOutcome(job: JobRecord): {
  errorMessage: string;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
} {
  return {
    errorMessage: jobStatus(job).errorMessage,
    createdAt: toTimestamp(job.createdAt),
    startedAt: toTimestamp(job.startedAt),
    finishedAt: toTimestamp(job.finishedAt),
  };
}
