/**
 * The segmentation workers of the inference service: every request's compute (decode,
 * preprocessing, forward passes, mask assembly, encode) runs in a worker thread
 * (segmentation-worker.ts), so that the thread serving gRPC answers health checks and
 * other calls at once however large the request. One worker per turn of the work queue
 * (`NASUNET_INFERENCE_CONCURRENCY`), started on first use.
 *
 * While a job runs, the client's liveness is checked here every {@link ALIVE_POLL_MS}; a
 * cancelled call or a passed deadline stops the worker's job at its next check between
 * forward passes. A worker whose heap and buffers exceed `NASUNET_INFERENCE_WORKER_MAX_MB`
 * after a job is stopped, returning its memory to the system, and a successor is started
 * at once with the model it served last; one that crashed is replaced the same way (its
 * request fails with UNAVAILABLE). Typed errors come back typed.
 */
import { Worker } from 'node:worker_threads';
import { BackendError, WorkerLink, movableBuffers } from '../../../libs/core/src/index.js';
import type { RuntimeChoice } from '../../../libs/onnx/src/index.js';
import type { InputLimits } from './image-input.js';
import { StageSpans, type StageEvent } from './segmentation-stages.js';
import type { SegmentJob, SegmentResult } from './segmentation-work.js';
import type {
  BundleBytes,
  SegmentationWorkerReply,
  SegmentationWorkerRequest,
  SegmentationWorkerStop,
} from './segmentation-worker.js';

/** How often the liveness of the request in flight is checked, ms. */
export const ALIVE_POLL_MS = 50;

/**
 * ONNX Runtime intra-op threads of each of `workers` workers: the setting when given,
 * else (0) the machine's `cores` shared among the workers (at least one each), so that
 * workers computing at once do not each start a thread per core.
 */
export function onnxThreadsPerWorker(setting: number, workers: number, cores: number): number {
  return setting > 0 ? setting : Math.max(1, Math.floor(cores / workers));
}

/** How the workers run. */
export interface PoolSettings {
  /** Workers (jobs computed at the same time). */
  workers: number;
  /** The tfjs backend of the workers (the service's). */
  backend: string;
  runtime: RuntimeChoice;
  threads: number;
  /** Model versions each worker keeps loaded. */
  modelCapacity: number;
  limits: InputLimits;
  /** A worker above this many bytes of heap and buffers after a job is replaced. */
  maxWorkerBytes: number;
}

/** The model a job runs with. */
export interface JobModel {
  digest: string;
  version: number;
  bundle: BundleBytes;
}

type Link = WorkerLink<SegmentationWorkerRequest, SegmentationWorkerReply>;

/** A started worker and the models it holds (least recently used first, as the worker counts them). */
interface Slot {
  link: Link;
  /** Settles once the worker started (and loaded the model it was started with). */
  ready: Promise<void>;
  models: Set<string>;
}

/** Records a job's use of `digest` in `slot` as the worker does; whether the worker must be sent the bundle. */
function useModel(slot: Slot, digest: string, capacity: number): boolean {
  const loaded = slot.models.delete(digest);
  slot.models.add(digest);
  while (slot.models.size > capacity) slot.models.delete(slot.models.values().next().value as string);
  return !loaded;
}

export class SegmentationPool {
  private readonly idle: Array<Slot | null>;
  private readonly busy = new Set<Slot>();
  /** Jobs started so far (the id of the latest). */
  private jobs = 0;

  constructor(private readonly settings: PoolSettings) {
    this.idle = Array.from({ length: settings.workers }, () => null);
  }

  /** A worker to run a job on: an idle one, or a new one in a free place. */
  private take(): Slot {
    if (this.idle.length === 0) throw new BackendError('no segmentation worker is free');
    const slot = this.idle.pop() ?? this.start();
    this.busy.add(slot);
    return slot;
  }

  /** Starts a worker; `preload` is loaded before its first job (the model its predecessor served last). */
  private start(preload?: JobModel): Slot {
    const url = new URL('./segmentation-worker.js', import.meta.url);
    const link: Link = new WorkerLink(new Worker(url), 'segmentation worker');
    const s = this.settings;
    const slot: Slot = { link, ready: Promise.resolve(), models: new Set() };
    slot.ready = link
      .request({
        type: 'init',
        backend: s.backend,
        runtime: s.runtime,
        threads: s.threads,
        capacity: s.modelCapacity,
        limits: s.limits,
      })
      .then(async () => {
        if (!preload) return;
        useModel(slot, preload.digest, s.modelCapacity);
        // A model that fails to load fails the job that sends it again, not the worker.
        await link.request({ type: 'load', model: preload }).catch(() => slot.models.clear());
      });
    slot.ready.catch(() => undefined);
    return slot;
  }

  /**
   * Puts `slot` back after a job with `model`; or, when it crashed or is over the memory
   * limit, stops it and starts its successor at once with `model` loaded, so that the
   * next request waits for neither.
   */
  private async release(slot: Slot, model: JobModel): Promise<void> {
    const started = await slot.ready.then(
      () => true,
      () => false,
    );
    const reply = started ? await slot.link.request({ type: 'memory' }).catch(() => null) : null;
    this.busy.delete(slot);
    if (reply?.type === 'memory' && reply.footprint <= this.settings.maxWorkerBytes) {
      this.idle.push(slot);
      return;
    }
    void slot.link.close();
    this.idle.push(this.start(model));
  }

  /**
   * Runs `job` with `model` in a worker; `checkAlive` throws once the request's client has
   * gone or its deadline passed (checked every {@link ALIVE_POLL_MS} meanwhile). The
   * memory of `moved` (the job's input bytes) moves to the worker: the caller must not use it after.
   */
  async run(
    job: SegmentJob,
    model: JobModel,
    checkAlive: () => void,
    moved: ArrayBufferView[] = [],
  ): Promise<SegmentResult> {
    const slot = this.take();
    const spans = new StageSpans();
    const id = ++this.jobs;
    let poll: NodeJS.Timeout | undefined;
    try {
      await slot.ready;
      checkAlive();
      const withBundle = useModel(slot, model.digest, this.settings.modelCapacity);
      const replied = slot.link.request(
        {
          type: 'run',
          id,
          job,
          model: {
            digest: model.digest,
            version: model.version,
            ...(withBundle ? { bundle: model.bundle } : {}),
          },
        },
        movableBuffers(moved),
        (e) => spans.onEvent(e as StageEvent),
      );
      poll = setInterval(() => {
        try {
          checkAlive();
        } catch (e) {
          slot.link.notify({
            type: 'stop',
            id,
            message: (e as Error).message,
          } satisfies SegmentationWorkerStop);
          clearInterval(poll);
        }
      }, ALIVE_POLL_MS);
      const reply = await replied;
      if (reply.type !== 'done') throw new BackendError(`segmentation worker answered '${reply.type}'`);
      return reply.result;
    } catch (e) {
      spans.finish(e as Error);
      // The worker may not have loaded the model: it is sent again next time.
      slot.models.clear();
      throw e;
    } finally {
      clearInterval(poll);
      await this.release(slot, model);
    }
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    const slots = [...this.busy, ...this.idle.filter((s): s is Slot => s !== null)];
    await Promise.all(slots.map((s) => s.link.close()));
  }
}
