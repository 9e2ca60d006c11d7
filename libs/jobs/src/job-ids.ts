/** Job ids, the same for every queue implementation. */
import { randomBytes } from 'node:crypto';

/** What a caller-chosen job id must match. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** A new job id: `job_` + 24 hex characters. */
export function newJobId(): string {
  return `job_${randomBytes(12).toString('hex')}`;
}
