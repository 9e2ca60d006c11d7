/**
 * Segmentation of a volume (a 2D image is a 1-slice volume) with a loaded model: the
 * model's recorded preprocessing, batched prediction (libs/engine), masks cropped back to
 * the input geometry, and per-class voxel counts and volumes. Each stage is a span.
 */
import { assembleMask, prepareVolume, type Volume } from '../../../libs/data/src/index.js';
import { predictClassMaps, type SliceSet } from '../../../libs/engine/src/index.js';
import type { ClassVolume } from '../../../libs/rpc/src/index.js';
import type { LoadedModel } from '../../common/src/model-loader.js';
import { withSpan } from '../../../libs/telemetry/src/index.js';

/** Predicted class index per voxel (x fastest, then y, then z) and the class volumes. */
export interface Segmentation {
  mask: Uint8Array;
  /** The input shape [X, Y, Z]. */
  shape: [number, number, number];
  classVolumes: ClassVolume[];
}

/**
 * Segments `volume`. `sliceAxis` overrides the model's (2D images are always cut along z);
 * `spacingMm` (x, y, z; 0 = unknown) turns counts into mm^3 (2D: z = 1, giving mm^2).
 */
export async function segmentVolume(
  model: LoadedModel,
  volume: Volume,
  options: { sliceAxis?: 0 | 1 | 2; spacingMm?: [number, number, number] } = {},
): Promise<Segmentation> {
  const pre = model.manifest.preprocessing;
  const spec = {
    sliceAxis: options.sliceAxis ?? pre.sliceAxis,
    normalization: pre.normalization,
    padMultiple: pre.padMultiple,
    padMode: pre.padMode,
  };
  const prepared = await withSpan(
    'inference.preprocess',
    { 'nasunet.slices': volume.shape[spec.sliceAxis] },
    () => prepareVolume(volume, spec),
  );
  const [S, H, W] = prepared.shape;
  const hw = H * W;
  const set: SliceSet = {
    height: H,
    width: W,
    channels: 1,
    nClasses: pre.classes.length,
    classNames: pre.classes.map((c) => c.name),
    slices: Array.from({ length: S }, (_, i) => ({
      caseId: 'input',
      index: i,
      image: prepared.x.subarray(i * hw, (i + 1) * hw),
      label: new Uint8Array(hw),
    })),
  };
  const flat = await withSpan(
    'inference.model',
    { 'nasunet.model': model.record.name, 'nasunet.model_version': model.record.version },
    () => {
      const preds = predictClassMaps(model.net, set, 4);
      const out = new Uint8Array(S * hw);
      preds.forEach((p, i) => out.set(p, i * hw));
      return out;
    },
  );
  const assembled = assembleMask(flat, prepared, volume);
  const mask = Uint8Array.from(assembled.data);
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
