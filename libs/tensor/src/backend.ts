/**
 * Backend choice and preparation (NASUNET_BACKEND=auto|tensorflow|webgpu|wasm|cpu).
 * PLACEHOLDER SIGNATURE: being implemented (gradient kernels, self-check, logging).
 */
import { tf } from './tf.js';

export const BACKEND_NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendInfo {
  /** The backend actually in use. */
  name: Exclude<BackendName, 'auto'>;
  /** Why it was chosen, for the one start-up log line. */
  reason: string;
}

export async function initBackend(opts: { backend?: BackendName } = {}): Promise<BackendInfo> {
  const name = opts.backend === undefined || opts.backend === 'auto' ? 'wasm' : opts.backend;
  await tf.setBackend(name);
  await tf.ready();
  return { name: name as BackendInfo['name'], reason: 'requested' };
}
