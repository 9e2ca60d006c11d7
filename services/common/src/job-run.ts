/**
 * Pieces of one job run shared by the search and training runners: the job's dataset from
 * the registry, the job's checkpoint file, and engine events published to the job in order.
 */
import { join } from 'node:path';
import { PreconditionError } from '../../../libs/core/src/index.js';
import type { LocalDataset, RegistryGateway } from './registry-gateway.js';

/**
 * Fetches the job's dataset into `<workDir>/datasets` (cached by digest). Throws
 * `PreconditionError` when the job recorded a digest at start and the registry's dataset of
 * that name now has another one.
 */
export async function fetchJobDataset(
  registry: RegistryGateway,
  dataset: { name: string; digest: string },
  workDir: string,
  signal: AbortSignal,
): Promise<LocalDataset> {
  const local = await registry.fetchDataset(dataset.name, join(workDir, 'datasets'), signal);
  if (dataset.digest && local.record.digest !== dataset.digest) {
    throw new PreconditionError(`dataset '${dataset.name}' changed digest since the job was started`);
  }
  return local;
}

/** Path of a job's checkpoint file: `<workDir>/checkpoints/<jobId>.ckpt`. */
export function jobCheckpointPath(workDir: string, jobId: string): string {
  return join(workDir, 'checkpoints', `${jobId}.ckpt`);
}

/** Asynchronous work queued from synchronous callbacks, run one after the other. */
export interface InOrder {
  /** Runs `fn` after everything queued before it; a failure does not stop later ones. */
  later(fn: () => Promise<void>): void;
  /** Resolves once everything queued so far has run. */
  settled(): Promise<void>;
}

/**
 * A queue for engine events, which arrive synchronously, to be published to the job in
 * the order they came.
 */
export function inOrder(): InOrder {
  let chain: Promise<void> = Promise.resolve();
  return {
    later: (fn) => {
      chain = chain.then(fn).catch(() => undefined);
    },
    settled: () => chain,
  };
}
