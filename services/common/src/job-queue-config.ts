/** The job queue a job service's configuration names (NASUNET_QUEUE). */
import { join } from 'node:path';
import { SqliteJobQueue, type JobQueue } from '../../../libs/jobs/src/index.js';
import type { JobServiceConfig } from './job-service.js';

/**
 * `sqlite`: the embedded queue in `<workDir>/jobs.sqlite`, owned by this process; `bullmq`:
 * the queue on Redis at NASUNET_REDIS_URL, shared by every replica and worker, with leases
 * of NASUNET_JOB_LEASE_S seconds (its Redis client is loaded only then).
 */
export async function openJobQueue(config: JobServiceConfig, workDir: string): Promise<JobQueue> {
  if (config.NASUNET_QUEUE === 'bullmq') {
    const { BullMqJobQueue } = await import('../../../libs/jobs/src/bullmq-job-queue.js');
    return new BullMqJobQueue({ url: config.NASUNET_REDIS_URL!, lockMs: config.NASUNET_JOB_LEASE_S * 1000 });
  }
  return new SqliteJobQueue({ file: join(workDir, 'jobs.sqlite') });
}
