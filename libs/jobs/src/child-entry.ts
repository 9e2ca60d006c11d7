/**
 * The child side of child-runner.ts: a job process module calls {@link serveJobInChild}
 * with the job's compute; it receives the job over IPC, runs it with a `JobContext` whose
 * `publish` and `report` go to the parent and whose signal aborts when the parent sends
 * `abort`, sends the result or the error back and exits. A process whose parent went away
 * exits at once (its job resumes from the last checkpoint after the service restarts).
 */
import { CancelledError, NasUnetError } from '../../core/src/index.js';
import type { FromJobProcess, ToJobProcess } from './child-runner.js';
import { toJobError, type JobContext } from './job-worker.js';
import type { JobRecord } from './types.js';

/** The compute of a job run in its own process: `input` is what the parent's runner passed. */
export type ChildJobHandler<I, O> = (job: JobRecord, ctx: JobContext, input: I) => Promise<O>;

/** Serves one job to the parent that forked this process, then exits. */
export function serveJobInChild<I, O>(handler: ChildJobHandler<I, O>): void {
  const post = process.send?.bind(process);
  if (!post) {
    process.stderr.write('a job process is started by its service, not on its own\n');
    process.exit(2);
  }
  const send = (m: FromJobProcess): Promise<void> =>
    new Promise((resolve, reject) => post(m, undefined, {}, (err) => (err ? reject(err) : resolve())));
  const controller = new AbortController();
  process.on('disconnect', () => process.exit(1));

  const run = async (m: Extract<ToJobProcess<I>, { type: 'run' }>): Promise<void> => {
    const ctx: JobContext = {
      signal: controller.signal,
      attempt: m.attempt,
      publish: (type, data) => send({ type: 'publish', event: type, data }),
      report: (patch) => send({ type: 'report', patch }),
    };
    if (m.resumeFrom !== undefined) ctx.resumeFrom = m.resumeFrom;
    let outcome: FromJobProcess;
    try {
      outcome = { type: 'result', result: await handler(m.job, ctx, m.input) };
    } catch (err) {
      if (!(err instanceof NasUnetError)) console.error(err);
      outcome = { type: 'error', error: toJobError(err) };
    }
    await send(outcome);
    process.exit(0);
  };

  process.on('message', (m: ToJobProcess<I>) => {
    if (m.type === 'abort') controller.abort(new CancelledError(m.reason));
    else if (m.type === 'run') void run(m);
  });
  void send({ type: 'ready' });
}
