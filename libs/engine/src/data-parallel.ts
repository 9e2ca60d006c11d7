/**
 * Optimiser steps of the search and training loops, in this thread or data-parallel over
 * all cores.
 *
 * Data-parallel: `workers` threads (node:worker_threads), each with its own backend and a
 * replica of the network built from the same {@link ReplicaSpec}, compute the loss and the
 * gradients of their share of each batch (contiguous shares, sizes differing by at most
 * one). This thread averages the gradients weighted by share size, applies the one
 * optimiser update (clipping included) to its own variables, and publishes the new values
 * through one SharedArrayBuffer per parameter group; a worker reloads a group whenever its
 * version moved, so every replica computes from the same weights. While the workers
 * compute, this thread runs the loop's `meanwhile` work (preparing and augmenting the next
 * batch), so batch preparation is off the critical path.
 *
 * What a share changes: the gradient is the size-weighted mean of the shares' gradients,
 * the same as one thread computing the same shares one after another and averaging (what
 * the tests check). The cross-entropy term then equals the whole batch's; the batch-wise
 * soft Dice and the normalisation layers that use batch statistics see one share at a
 * time, as in PyTorch's DistributedDataParallel without synchronised batch norm, so a
 * step's result is that of a whole-batch step in expectation, not bit for bit.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { tf, type Variable } from '../../tensor/src/index.js';
import { BackendError, ValidationError } from '../../core/src/errors.js';
import { WorkerLink } from '../../core/src/worker-link.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { lossAndGradients, optimiseOnBatch, type StepSettings } from './loop-control.js';
import type { AdamW } from './optim.js';
import { uploadBatch, type HostBatch } from './slices.js';

/** How a worker builds its replica: the arguments of nas's `createModel`. */
export interface ReplicaSpec {
  architecture: string;
  config: Record<string, unknown>;
  genotype?: unknown;
  seed?: number;
}

/** Which parameters of a network a group holds. */
export type ParamRole = 'weights' | 'alphas';

/** Settings of data-parallel stepping. */
export interface DataParallelOptions {
  /** Worker threads (each computes a share of every batch); 1 steps in this thread. */
  workers: number;
  /** The network every worker builds (its weights are replaced by this thread's). */
  replica: ReplicaSpec;
}

/** Parameters one optimiser updates. */
export interface StepGroup {
  role: ParamRole;
  vars: Variable[];
  opt: AdamW;
}

/** Steps optimiser groups on host batches. */
export interface Stepper {
  /**
   * One clipped optimiser step of group `group` on `batch`; `meanwhile` runs while the
   * gradients are computed in other threads (never when they are computed in this one).
   * Returns the loss.
   */
  step(group: number, batch: HostBatch, s: StepSettings, meanwhile?: () => void): Promise<number>;
  /** Stops the workers (nothing to do in this thread). */
  close(): Promise<void>;
}

/** Most worker threads one run may start. */
export const MAX_WORKERS = 16;
/** Most worker threads a run gets by default (more cores than this rarely pay for small nets). */
export const DEFAULT_MAX_WORKERS = 4;

/** Backends whose kernels run on the CPU cores, where one worker per core pays. */
const CORE_BACKENDS = ['wasm', 'cpu'];

/**
 * Default worker count: the cores of this machine, at most {@link DEFAULT_MAX_WORKERS}, on
 * a CPU backend (wasm, cpu); 1 on the others, which compute on one device.
 */
export function defaultWorkers(): number {
  if (!CORE_BACKENDS.includes(tf.getBackend())) return 1;
  return Math.max(1, Math.min(availableParallelism(), DEFAULT_MAX_WORKERS));
}

/** Sizes of `k` contiguous shares of `n` items, the first ones one larger when `k` does not divide `n`. */
export function shareSizes(n: number, k: number): number[] {
  const parts = Math.min(n, k);
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

/** Share `i` of a host batch, given the share sizes (copies the values). */
export function batchShare(b: HostBatch, sizes: number[], i: number): HostBatch {
  const [, h, w, c] = b.shape;
  const first = sizes.slice(0, i).reduce((a, x) => a + x, 0);
  const n = sizes[i] as number;
  return {
    x: b.x.slice(first * h * w * c, (first + n) * h * w * c),
    y: b.y.slice(first * h * w, (first + n) * h * w),
    shape: [n, h, w, c],
  };
}

/** Steps in this thread: the batch is uploaded and stepped as a whole. */
export function localStepper(net: SegmentationNet, groups: StepGroup[]): Stepper {
  return {
    step: async (g, batch, s) => {
      const { vars, opt } = groups[g] as StepGroup;
      return optimiseOnBatch(net, vars, opt, uploadBatch(batch), s);
    },
    close: async () => {},
  };
}

/**
 * Loss and gradients of `vars` on `batch` as one flat array (variable order), with which
 * variables got a gradient; what a worker computes for its share.
 */
export function flatGradients(
  net: SegmentationNet,
  vars: Variable[],
  batch: HostBatch,
  diceWeight: number,
): { loss: number; grads: Float32Array; present: boolean[] } {
  const { loss, grads } = lossAndGradients(net, vars, uploadBatch(batch), diceWeight);
  const flat = new Float32Array(vars.reduce((a, v) => a + v.size, 0));
  let at = 0;
  vars.forEach((v, i) => {
    const g = grads[i];
    if (g) flat.set(g.dataSync() as Float32Array, at);
    at += v.size;
  });
  tf.dispose(grads.filter((g) => g !== null));
  return { loss, grads: flat, present: grads.map((g) => g !== null) };
}

/**
 * The optimiser update of `vars` from the share results: gradients averaged weighted by
 * share size, then one {@link AdamW.stepFromArrays}. Returns the weighted mean loss.
 */
export function applyAveraged(
  vars: Variable[],
  opt: AdamW,
  shares: Array<{ n: number; loss: number; grads: Float32Array; present: boolean[] }>,
  s: StepSettings,
): number {
  const total = shares.reduce((a, x) => a + x.n, 0);
  const mean = new Float32Array((shares[0] as (typeof shares)[number]).grads.length);
  let loss = 0;
  for (const sh of shares) {
    const wgt = sh.n / total;
    loss += wgt * sh.loss;
    for (let j = 0; j < mean.length; j++) mean[j] = (mean[j] as number) + wgt * (sh.grads[j] as number);
  }
  const present = (shares[0] as (typeof shares)[number]).present;
  let at = 0;
  const grads = vars.map((v, i) => {
    const view = mean.subarray(at, at + v.size);
    at += v.size;
    return present[i] ? view : null;
  });
  opt.stepFromArrays(grads, { lr: s.lr, clipNorm: s.clip });
  return loss;
}

/** Messages a worker answers. */
export type WorkerRequest =
  | { type: 'init'; backend: string; replica: ReplicaSpec; roles: ParamRole[]; buffers: SharedArrayBuffer[] }
  | { type: 'step'; group: number; versions: number[]; batch: HostBatch; diceWeight: number };

/** A worker's answers (a failure is a `WorkerFailureMessage`, see libs/core worker-link.ts). */
export type WorkerReply =
  { type: 'ready' } | { type: 'grads'; loss: number; grads: Float32Array; present: boolean[] };

/**
 * Starts `o.workers` worker threads on the active backend, each with a replica of
 * `o.replica` holding this thread's current values of `groups`; see the module doc.
 */
export async function startWorkers(o: DataParallelOptions, groups: StepGroup[]): Promise<Stepper> {
  const buffers = groups.map((g) => new SharedArrayBuffer(4 * g.vars.reduce((a, v) => a + v.size, 0)));
  const versions = groups.map(() => 0);
  const publish = (g: number): void => {
    const flat = new Float32Array(buffers[g] as SharedArrayBuffer);
    let at = 0;
    for (const v of (groups[g] as StepGroup).vars) {
      flat.set(v.dataSync() as Float32Array, at);
      at += v.size;
    }
    versions[g] = (versions[g] as number) + 1;
  };
  groups.forEach((_, g) => publish(g));
  const url = new URL('./data-parallel-worker.js', import.meta.url);
  const links = Array.from(
    { length: o.workers },
    () => new WorkerLink<WorkerRequest, WorkerReply>(new Worker(url), 'data-parallel worker'),
  );
  const close = async (): Promise<void> => {
    await Promise.all(links.map((l) => l.close()));
  };
  const init: WorkerRequest = {
    type: 'init',
    backend: tf.getBackend(),
    replica: o.replica,
    roles: groups.map((g) => g.role),
    buffers,
  };
  try {
    await Promise.all(links.map((l) => l.request(init)));
  } catch (e) {
    await close();
    throw e;
  }
  return {
    step: async (g, batch, s, meanwhile) => {
      const group = groups[g] as StepGroup;
      const sizes = shareSizes(batch.shape[0], links.length);
      const replies = sizes.map((_, i) => {
        const share = batchShare(batch, sizes, i);
        const msg: WorkerRequest = {
          type: 'step',
          group: g,
          versions: [...versions],
          batch: share,
          diceWeight: s.diceWeight,
        };
        return (links[i] as (typeof links)[number]).request(msg, [
          share.x.buffer,
          share.y.buffer,
        ] as ArrayBuffer[]);
      });
      // Rejections are taken by Promise.all below; this only keeps them from going unhandled meanwhile.
      replies.forEach((r) => r.catch(() => {}));
      meanwhile?.();
      const shares = (await Promise.all(replies)).map((r, i) => {
        if (r.type !== 'grads') throw new BackendError(`data-parallel worker answered '${r.type}'`);
        return { n: sizes[i] as number, loss: r.loss, grads: r.grads, present: r.present };
      });
      const loss = applyAveraged(group.vars, group.opt, shares, s);
      publish(g);
      return loss;
    },
    close,
  };
}

/**
 * The stepper of a run: data-parallel over `parallel.workers` threads when that is above
 * 1, else this thread. Call it once the run's variables hold their starting values;
 * `meanwhile` (e.g. the untrained net's validation) runs in this thread while the workers
 * start, and stops them when it throws.
 */
export async function openStepper(
  net: SegmentationNet,
  groups: StepGroup[],
  parallel?: DataParallelOptions,
  meanwhile?: () => void,
): Promise<Stepper> {
  const workers = parallel?.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new ValidationError(`workers must be an integer in [1, ${MAX_WORKERS}], got ${workers}`);
  if (workers > 1 && !CORE_BACKENDS.includes(tf.getBackend())) {
    throw new ValidationError(
      `data-parallel workers run on the ${CORE_BACKENDS.join(' or ')} backend, not on '${tf.getBackend()}' (use --workers 1)`,
    );
  }
  if (!parallel || workers === 1) {
    meanwhile?.();
    return localStepper(net, groups);
  }
  const ready = startWorkers(parallel, groups);
  try {
    meanwhile?.();
  } catch (e) {
    await ready.then(
      (s) => s.close(),
      () => {},
    );
    throw e;
  }
  return ready;
}
