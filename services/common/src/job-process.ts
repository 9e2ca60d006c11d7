/**
 * How the job services run a job's compute outside the server process (libs/jobs
 * child-runner.ts), so that API calls and health checks are answered while it computes.
 * The service side passes the compute backend it uses and turns the job's `epoch` events
 * into spans (the job's process exports none); the job process side activates that
 * backend before computing.
 */
import {
  runJobInChild,
  type JobContext,
  type JobRecord,
  type ChildJobHandler,
} from '../../../libs/jobs/src/index.js';
import { serveJobInChild } from '../../../libs/jobs/src/child-entry.js';
import { recordSpan } from '../../../libs/telemetry/src/index.js';
import { initBackend, parseBackendName, tf, type BackendName } from '../../../libs/tensor/src/index.js';

/** What every job process receives besides its runner's input. */
export interface JobProcessInput {
  /** The backend the service activated at start-up. */
  backend: BackendName;
}

/** The fields of an `epoch` event that its span records. */
interface EpochFields {
  epoch: number;
  validationDice: number;
  epochSeconds: number;
}

/**
 * Runs `job` in the job process module `entry` with `input`; every `epoch` event it
 * publishes is also recorded as a span `epochSpan`.
 */
export function runInJobProcess<I extends object, O>(
  entry: URL,
  job: JobRecord,
  ctx: JobContext,
  input: I,
  epochSpan: string,
): Promise<O> {
  const withSpans: JobContext = {
    ...ctx,
    publish: async (type, data) => {
      if (type === 'epoch') {
        const d = data as EpochFields;
        recordSpan(
          epochSpan,
          { 'nasunet.epoch': d.epoch, 'nasunet.validation_dice': d.validationDice },
          d.epochSeconds,
        );
      }
      await ctx.publish(type, data);
    },
  };
  const backend = parseBackendName(tf.getBackend(), 'backend');
  return runJobInChild<I & JobProcessInput, O>(entry, job, withSpans, { ...input, backend });
}

/** The job process side: activates the service's backend, then runs `handler`. */
export function serveJobProcess<I, O>(handler: ChildJobHandler<I, O>): void {
  serveJobInChild<I & JobProcessInput, O>(async (job, ctx, input) => {
    await initBackend({ backend: input.backend, logger: () => undefined });
    return handler(job, ctx, input);
  });
}
