export * from './types.js';
// The distributed queue (bullmq-job-queue.js) is imported by path where it is used, so
// that the embedded mode never loads the Redis client.
export type { JobQueue, EnqueueOptions } from './job-queue.js';
export { SqliteJobQueue, type SqliteJobQueueOptions } from './sqlite-job-queue.js';
export {
  JobWorker,
  confirmClaim,
  toJobError,
  type JobContext,
  type JobHandler,
  type JobWorkerOptions,
} from './job-worker.js';
export { inOrder, type InOrder } from './in-order.js';
export {
  DEFAULT_KILL_AFTER_MS,
  JobProcessError,
  runJobInChild,
  type ChildJobOptions,
  type FromJobProcess,
  type ToJobProcess,
} from './child-runner.js';
export { serveJobInChild, type ChildJobHandler } from './child-entry.js';
