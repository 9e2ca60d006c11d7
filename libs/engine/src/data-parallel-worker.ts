/**
 * Entry of one data-parallel worker thread (see data-parallel.ts): builds its replica of
 * the network on its own backend, and for each step loads the parameter groups whose
 * version moved from the shared buffers, then answers the loss and flat gradients of its
 * share of the batch.
 */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../../core/src/worker-link.js';
import { initBackend, parseBackendName, tf, type Variable } from '../../tensor/src/index.js';
import { createModel } from '../../nas/src/models.js';
import type { SearchNet } from '../../nas/src/contracts.js';
import { flatGradients, type WorkerReply, type WorkerRequest } from './data-parallel.js';

const port = parentPort;
if (!port) throw new Error('data-parallel-worker runs as a worker thread only');

let groups: Variable[][] = [];
let buffers: SharedArrayBuffer[] = [];
let loaded: number[] = [];
let net: SearchNet | null = null;

/** Copies group `g`'s published values into this replica's variables. */
function load(g: number): void {
  const flat = new Float32Array(buffers[g] as SharedArrayBuffer);
  let at = 0;
  for (const v of groups[g] as Variable[]) {
    const values = flat.slice(at, at + v.size);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
    at += v.size;
  }
}

async function handle(m: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  if (m.type === 'init') {
    await initBackend({ backend: parseBackendName(m.backend, 'backend'), logger: () => {} });
    net = createModel(m.replica.architecture, m.replica.config, {
      seed: m.replica.seed ?? 0,
      ...(m.replica.genotype !== undefined ? { genotype: m.replica.genotype } : {}),
    }) as unknown as SearchNet;
    const replica = net;
    groups = m.roles.map((r) => (r === 'weights' ? replica.weightParams() : replica.archParams()));
    buffers = m.buffers;
    loaded = m.roles.map(() => -1);
    return { reply: { type: 'ready' }, transfer: [] };
  }
  if (!net) throw new Error('step before init');
  m.versions.forEach((v, g) => {
    if (loaded[g] !== v) {
      load(g);
      loaded[g] = v;
    }
  });
  const r = flatGradients(net, groups[m.group] as Variable[], m.batch, m.diceWeight);
  return { reply: { type: 'grads', ...r }, transfer: [r.grads.buffer as ArrayBuffer] };
}

port.on('message', (m: WorkerRequest) => {
  handle(m).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (e: unknown) => port.postMessage({ type: 'error', error: describeError(e) }),
  );
});
