/**
 * A job process for child-runner.test.ts: what it does is chosen by the job's `mode`.
 * - `echo`: publishes an event, reports progress and a checkpoint, returns what it saw;
 * - `fail`: throws a domain error whose message names a server path;
 * - `crash`: exits with code 3 without an outcome;
 * - `wait`: stops when aborted, like a job that checkpoints and returns;
 * - `hang`: ignores the abort;
 * - `block`: computes for `ms` milliseconds without yielding once, then returns how long.
 */
import { ValidationError } from '../../core/src/index.js';
import { serveJobInChild } from './child-entry.js';

serveJobInChild<{ mode: string; ms?: number }, unknown>(async (job, ctx, input) => {
  switch (input.mode) {
    case 'echo':
      await ctx.publish('step', { n: 1 });
      await ctx.report({ progress: 0.5, checkpoint: `ckpt-${ctx.attempt}` });
      return { pid: process.pid, params: job.params, resumeFrom: ctx.resumeFrom ?? null };
    case 'fail':
      throw new ValidationError('image /srv/nasunet/data/DOE_JOHN.png: not a PNG');
    case 'crash':
      process.exit(3);
      break;
    case 'wait':
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throw ctx.signal.reason;
    case 'hang':
      setInterval(() => undefined, 1000);
      return new Promise(() => undefined);
    case 'block': {
      const start = Date.now();
      while (Date.now() - start < (input.ms ?? 0)) Math.sqrt(Math.random());
      return { blockedMs: Date.now() - start };
    }
  }
  throw new ValidationError(`unknown mode ${input.mode}`);
});
