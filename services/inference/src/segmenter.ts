/**
 * Segmentation of a volume (a 2D image is a 1-slice volume) with a loaded model through
 * the engine's one segmentation path (the same as `evaluate`), and per-class voxel counts
 * and volumes. Preprocessing and the model are stages of their own (spans; see
 * segmentation-stages.ts).
 */
import type { Volume } from '../../../libs/data/src/index.js';
import {
  inferenceSpec,
  predictNetInputAsync,
  prepareNetInput,
} from '../../../libs/engine/src/index.js';
import type { BundleManifest } from '../../../libs/nas/src/index.js';
import type { ServingModel } from '../../../libs/onnx/src/index.js';
import type { ClassVolume } from '../../../libs/rpc/src/index.js';
import type { Stage } from './segmentation-stages.js';

/** A model version ready to compute: its manifest, runtime and identity (for spans). */
export interface SegmentingModel {
  manifest: BundleManifest;
  serving: ServingModel;
  weightsDigest: string;
  version: number;
}

/** Predicted class index per voxel (x fastest, then y, then z) and the class volumes. */
export interface Segmentation {
  mask: Uint8Array;
  /** The input shape [X, Y, Z]. */
  shape: [number, number, number];
  classVolumes: ClassVolume[];
}

/** How {@link segmentVolume} runs. */
export interface SegmentOptions {
  /** Overrides the model's slicing axis (2D images are always cut along z). */
  sliceAxis?: 0 | 1 | 2;
  /** x, y, z in mm (0 = unknown): turns counts into mm^3 (2D: z = 1, giving mm^2). */
  spacingMm?: [number, number, number];
  /** Largest input the network may see, in voxels after padding to its input size. */
  maxWorkVoxels?: number;
  /** Called between forward passes (batches of slices or of windows); throws to stop (cancelled, deadline passed). */
  checkAlive?: () => void;
  /** Runs the preprocessing and model stages (as spans). */
  stage: Stage;
}

/** Lets the event loop run between forward passes (in a segmentation worker: a stop message comes in). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Segments `volume` through the engine's one segmentation path; see the module doc. */
export async function segmentVolume(
  model: SegmentingModel,
  volume: Volume,
  options: SegmentOptions,
): Promise<Segmentation> {
  const pre = model.manifest.preprocessing;
  const spec = inferenceSpec(model.manifest, options.sliceAxis);
  const input = await options.stage(
    'inference.preprocess',
    { 'nasunet.slices': volume.shape[spec.sliceAxis] },
    () => prepareNetInput(volume, spec, options.maxWorkVoxels),
  );
  const S = input.prepared.shape[0];
  const mask = await options.stage(
    'inference.model',
    {
      // The weights' digest, not the model's name (a name is the caller's input).
      'nasunet.weights_digest': model.weightsDigest,
      'nasunet.model_version': model.version,
      'nasunet.slices_total': S,
      // Which runtime computed the forward passes (tfjs or onnx).
      'nasunet.runtime': model.serving.runtime,
    },
    (setAttribute) =>
      // Progress on the span shows how far a cancelled request got.
      predictNetInputAsync(model.serving, input, async (done) => {
        setAttribute('nasunet.slices_done', done);
        options.checkAlive?.();
        await yieldToEventLoop();
        options.checkAlive?.();
      }),
  );
  const counts = new Array<number>(pre.classes.length).fill(0);
  for (const v of mask) counts[v] = (counts[v] ?? 0) + 1;
  const [sx, sy, sz] = options.spacingMm ?? [0, 0, 0];
  const voxelMm3 = sx > 0 && sy > 0 ? sx * sy * (volume.shape[2] === 1 ? 1 : sz) : 0;
  return {
    mask,
    shape: [...volume.shape],
    classVolumes: pre.classes.map((c, k) => ({
      classIndex: k,
      className: c.name,
      voxelCount: String(counts[k] ?? 0),
      volumeMm3: (counts[k] ?? 0) * voxelMm3,
    })),
  };
}
