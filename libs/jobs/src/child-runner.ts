/**
 * Runs the compute of one job in a child Node.js process, so that the process serving the
 * API (gRPC calls, health checks) keeps its event loop free while the job computes. The
 * child is a module that calls {@link serveJobInChild} (child-entry.ts); the parent forks
 * it once per job and they talk over IPC:
 * - child -> parent: `ready`, then `publish` and `report` (applied to the job's context in
 *   the order they came), then `result` or `error`;
 * - parent -> child: `run` (the job, its attempt, the checkpoint to resume from and the
 *   runner's input), and `abort` when the job is cancelled or the worker stops.
 * A child that has not exited `killAfterMs` after `abort` is killed (SIGKILL); a child
 * that exits without an outcome (crash, out of memory, killed) fails the job with an
 * error saying so. Only the `JobContext` is used, so it works under any `JobQueue`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CancelledError, NasUnetError } from '../../core/src/index.js';
import { inOrder } from './in-order.js';
import type { JobContext } from './job-worker.js';
import type { HeartbeatPatch, JobError, JobRecord } from './types.js';

/** A message from the parent to a job's process. */
export type ToJobProcess<I = unknown> =
  | { type: 'run'; job: JobRecord; attempt: number; resumeFrom?: string; input: I }
  | { type: 'abort'; reason: string };

/** A message from a job's process to the parent. */
export type FromJobProcess =
  | { type: 'ready' }
  | { type: 'publish'; event: string; data: unknown }
  | { type: 'report'; patch: HeartbeatPatch }
  | { type: 'result'; result: unknown }
  | { type: 'error'; error: JobError };

/** A failure reported by (or about) a job's process, with the code of the domain error. */
export class JobProcessError extends NasUnetError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link runJobInChild}. */
export interface ChildJobOptions {
  /** Milliseconds a process may take to stop after `abort` before it is killed; default 30 000. */
  killAfterMs?: number;
  /** Called with the process id once the job's process runs. */
  onSpawn?: (pid: number) => void;
}

/** Default of {@link ChildJobOptions.killAfterMs}: time to write a checkpoint and exit. */
export const DEFAULT_KILL_AFTER_MS = 30_000;

function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : 'job stopped';
}

/**
 * Forks `entry` (a module calling `serveJobInChild`), runs `job` there with `input` and
 * resolves with its result; rejects with the process's error (`JobProcessError` carrying
 * its code), with `ctx.signal`'s reason once aborted, or with an `internal` error when the
 * process ended without an outcome.
 */
export function runJobInChild<I, O>(
  entry: string | URL,
  job: JobRecord,
  ctx: JobContext,
  input: I,
  options: ChildJobOptions = {},
): Promise<O> {
  const killAfterMs = options.killAfterMs ?? DEFAULT_KILL_AFTER_MS;
  return new Promise<O>((resolve, reject) => {
    const child = fork(typeof entry === 'string' ? entry : fileURLToPath(entry), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const relayed = inOrder();
    let ready = false;
    let outcome: { result: O } | { error: JobError } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const send = (m: ToJobProcess<I>): void => {
      if (child.connected) child.send(m);
    };
    const onAbort = (): void => {
      if (ready) send({ type: 'abort', reason: abortReason(ctx.signal) });
      else child.kill('SIGKILL');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    };
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      // Everything the process published is applied before the job's outcome.
      void relayed.settled().then(fn);
    };
    child.on('message', (m: FromJobProcess) => {
      switch (m.type) {
        case 'ready': {
          ready = true;
          if (ctx.signal.aborted) return onAbort();
          const run: ToJobProcess<I> = { type: 'run', job, attempt: ctx.attempt, input };
          if (ctx.resumeFrom !== undefined) run.resumeFrom = ctx.resumeFrom;
          send(run);
          break;
        }
        case 'publish':
          relayed.later(() => ctx.publish(m.event, m.data));
          break;
        case 'report':
          relayed.later(() => ctx.report(m.patch));
          break;
        case 'result':
          outcome = { result: m.result as O };
          break;
        case 'error':
          outcome = { error: m.error };
          break;
      }
    });
    child.once('spawn', () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    child.on('error', () => {
      // A process that never started sends no `exit`; a running one's errors (a message that
      // could not be sent, a failed kill) end in its `exit`.
      if (child.pid === undefined)
        settle(() => reject(new JobProcessError('internal', "the job's process could not be started")));
    });
    child.once('exit', (code, signal) =>
      settle(() => {
        if (outcome && 'result' in outcome) resolve(outcome.result);
        else if (outcome) reject(new JobProcessError(outcome.error.code, outcome.error.message));
        else if (ctx.signal.aborted) reject(new CancelledError(abortReason(ctx.signal)));
        else {
          const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
          reject(new JobProcessError('internal', `the job's process ${how} before the job finished`));
        }
      }),
    );
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}
