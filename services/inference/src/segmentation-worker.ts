/**
 * Entry of a segmentation worker thread (see segmentation-pool.ts): starts its own compute
 * backend, keeps the model versions it was sent (by weights digest, least recently used
 * evicted) ready on the configured runtime, and runs one {@link SegmentJob} at a time. A
 * `stop` message (client cancelled, deadline passed) makes the job throw `CancelledError`
 * at its next check between forward passes. `memory` answers the worker's own heap and
 * buffers, so that the service can replace a worker that grew too large.
 */
import { parentPort } from 'node:worker_threads';
import { CancelledError, describeError, movableBuffers } from '../../../libs/core/src/index.js';
import { loadModelBundle } from '../../../libs/nas/src/index.js';
import {
  createServingModel,
  exportOnnx,
  resolveRuntime,
  type RuntimeChoice,
} from '../../../libs/onnx/src/index.js';
import { initBackend, parseBackendName, tf } from '../../../libs/tensor/src/index.js';
import type { InputLimits } from './image-input.js';
import { postingStage, type StageEvent } from './segmentation-stages.js';
import { runSegmentJob, type SegmentJob, type SegmentResult } from './segmentation-work.js';
import type { SegmentingModel } from './segmenter.js';

/** A model bundle as the registry stores it. */
export interface BundleBytes {
  manifest: unknown;
  weights: Uint8Array;
}

/** Messages a segmentation worker answers. */
export type SegmentationWorkerRequest =
  | {
      type: 'init';
      backend: string;
      runtime: RuntimeChoice;
      /** ONNX Runtime intra-op threads (0 = one per core). */
      threads: number;
      /** Model versions kept loaded. */
      capacity: number;
      limits: InputLimits;
    }
  | {
      type: 'run';
      /** Names the job for `stop`. */
      id: number;
      job: SegmentJob;
      /** Weights digest and version of the model; `bundle` when this worker has not loaded it yet. */
      model: WorkerModel;
    }
  /** Loads a model ahead of the jobs that use it (a replaced worker's last model). */
  | { type: 'load'; model: WorkerModel & { bundle: BundleBytes } }
  | { type: 'memory' };

/** A model as a job names it. */
export interface WorkerModel {
  digest: string;
  version: number;
  bundle?: BundleBytes;
}

/** Not answered: stops job `id`, if it is in flight, with `CancelledError(message)`. */
export interface SegmentationWorkerStop {
  type: 'stop';
  id: number;
  message: string;
}

/** A worker's answers (besides `error` and stage events). */
export type SegmentationWorkerReply =
  | { type: 'ready' }
  | { type: 'done'; result: SegmentResult }
  | {
      type: 'memory';
      /** The worker's JavaScript heap and buffers (wasm memory included), bytes. */
      footprint: number;
    };

const port = parentPort;
if (!port) throw new Error('segmentation-worker runs as a worker thread only');

let settings: Extract<SegmentationWorkerRequest, { type: 'init' }> | null = null;
const models = new Map<string, SegmentingModel & { dispose: () => void }>();
/** The job in flight and why it must stop (null: it need not). */
let running: { id: number; stopped: string | null } | null = null;

/**
 * The loaded model of `m`, loading it from its bundle first if need be. The service
 * thread keeps the same least-recently-used account of what is loaded, so it sends the
 * bundle exactly when it is needed.
 */
async function modelOf(
  m: WorkerModel,
  capacity: number,
  runtime: RuntimeChoice,
  threads: number,
): Promise<SegmentingModel> {
  const hit = models.get(m.digest);
  if (hit) {
    models.delete(m.digest);
    models.set(m.digest, hit);
    return hit;
  }
  if (!m.bundle) throw new Error(`model ${m.digest.slice(0, 12)} was not sent`);
  const bundle = m.bundle;
  const { net, manifest } = loadModelBundle(bundle);
  try {
    const serving = await createServingModel(
      resolveRuntime(runtime, tf.getBackend(), manifest.architecture.key),
      { net, onnx: () => exportOnnx(bundle) },
      threads,
    );
    const loaded = {
      manifest,
      serving,
      weightsDigest: m.digest,
      version: m.version,
      dispose: () => {
        net.dispose();
        void serving.dispose();
      },
    };
    models.set(m.digest, loaded);
    while (models.size > capacity) {
      const [oldest, model] = models.entries().next().value as [string, { dispose: () => void }];
      models.delete(oldest);
      model.dispose();
    }
    return loaded;
  } catch (err) {
    net.dispose();
    throw err;
  }
}

async function handle(
  m: SegmentationWorkerRequest,
): Promise<{ reply: SegmentationWorkerReply; transfer: ArrayBuffer[] }> {
  if (m.type === 'init') {
    await initBackend({ backend: parseBackendName(m.backend, 'backend'), logger: () => {} });
    settings = m;
    return { reply: { type: 'ready' }, transfer: [] };
  }
  if (m.type === 'memory') {
    const mem = process.memoryUsage();
    return { reply: { type: 'memory', footprint: mem.heapTotal + mem.external }, transfer: [] };
  }
  if (!settings) throw new Error(`${m.type} before init`);
  if (m.type === 'load') {
    await modelOf(m.model, settings.capacity, settings.runtime, settings.threads);
    return { reply: { type: 'ready' }, transfer: [] };
  }
  const job = { id: m.id, stopped: null as string | null };
  running = job;
  const model = await modelOf(m.model, settings.capacity, settings.runtime, settings.threads);
  const result = await runSegmentJob(m.job, model, {
    limits: settings.limits,
    checkAlive: () => {
      if (job.stopped !== null) throw new CancelledError(job.stopped);
    },
    stage: postingStage((event: StageEvent) => port!.postMessage({ type: 'event', event })),
  });
  return {
    reply: { type: 'done', result },
    transfer: movableBuffers([result.kind === 'mask' ? result.data : result.seg.bytes]),
  };
}

port.on('message', (m: SegmentationWorkerRequest | SegmentationWorkerStop) => {
  if (m.type === 'stop') {
    if (running?.id === m.id) running.stopped = m.message;
    return;
  }
  handle(m).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (e: unknown) => port.postMessage({ type: 'error', error: describeError(e) }),
  );
});
