export * from './types.js';
export type { JobQueue, EnqueueOptions } from './job-queue.js';
export { SqliteJobQueue, type SqliteJobQueueOptions } from './sqlite-job-queue.js';
export { BullMqJobQueue, type BullMqJobQueueOptions } from './bullmq-job-queue.js';
export { JobWorker, type JobContext, type JobHandler, type JobWorkerOptions } from './job-worker.js';
