/**
 * Applying recorded preprocessing to a new volume at inference, and putting predicted
 * slice masks back into a volume with the input's geometry.
 */
import { ResourceLimitError, ShapeError } from '../../core/src/index.js';
import { contextChannels, stackContext } from './context-slices.js';
import { normalizeIntensities } from './normalize.js';
import { validatePreprocessing, type PreprocessingInput, type PreprocessingSpec } from './preprocessing.js';
import {
  cropSlice,
  insertSlice,
  padInfoFor,
  paddedSlices,
  roundUpTo,
  sliceGeometry,
  type PadInfo,
} from './slicing.js';
import type { ClassInfo } from './types.js';
import { voxelCount, type Volume } from './volume.js';

/** A volume ready for the network: all slices, normalised and padded. */
export interface PreparedVolume {
  /**
   * Float32Array [S, H, W, C] (NHWC), S = number of slices along the axis, C = 1 or, with
   * `spec.contextSlices` = k, the slice and its neighbours (2k + 1).
   */
  x: Float32Array;
  shape: [number, number, number, number];
  /** Placement of the original slice inside each padded slice. */
  pad: PadInfo;
  /** The spec that was applied (validated). */
  spec: PreprocessingSpec;
  /** Shape of the source volume. */
  volumeShape: [number, number, number];
}

/**
 * Applies the SAME preprocessing as training: normalisation (per `spec.normalization`),
 * slicing along `spec.sliceAxis`, centre padding to multiples of `spec.padMultiple` and
 * to at least `minSize` (the input size the model was trained on), so a slice that fits
 * the training input is padded exactly as in training, and neighbouring slices as
 * channels when the spec has `contextSlices`.
 * @throws ResourceLimitError when the padded slices would hold more than `maxVoxels`
 * voxels (checked before they are allocated).
 */
export function prepareVolume(
  volume: Volume,
  spec: PreprocessingInput,
  minSize?: [number, number],
  maxVoxels = Infinity,
): PreparedVolume {
  const s = validatePreprocessing(spec);
  const g = sliceGeometry(volume.shape, s.sliceAxis);
  if (minSize && (minSize[0] % s.padMultiple !== 0 || minSize[1] % s.padMultiple !== 0))
    throw new ShapeError(`input size ${minSize[0]}x${minSize[1]} is not a multiple of ${s.padMultiple}`);
  const H = Math.max(minSize?.[0] ?? 0, roundUpTo(g.rows, s.padMultiple));
  const W = Math.max(minSize?.[1] ?? 0, roundUpTo(g.cols, s.padMultiple));
  if (g.count * H * W > maxVoxels)
    throw new ResourceLimitError(
      `the input is ${g.count} slice(s) of ${H}x${W} once padded to the model's input size: ` +
        `${g.count * H * W} voxels exceeds the limit of ${maxVoxels}`,
    );
  const pad = padInfoFor(g.rows, g.cols, H, W);
  const norm = normalizeIntensities(volume.data, s.normalization);
  const planes = paddedSlices(norm, volume.shape, s.sliceAxis, pad, H, W, s.padMode);
  const x = stackContext(planes, g.count, H * W, s.contextSlices);
  const shape: PreparedVolume['shape'] = [g.count, H, W, contextChannels(s.contextSlices)];
  return { x, shape, pad, spec: s, volumeShape: [...volume.shape] };
}

/**
 * Builds a label volume from predicted class indices [S, H, W] (row-major, one slice after
 * another): each slice is cropped back to the original size and written into its place;
 * class indices become label codes through `classes` (identity when omitted). The result
 * has the reference volume's shape, spacing, affine and orientation.
 */
export function assembleMask(
  pred: ArrayLike<number>,
  prepared: PreparedVolume,
  reference: Volume,
  classes?: readonly ClassInfo[],
): Volume {
  const [S, H, W] = prepared.shape;
  if (pred.length !== S * H * W) throw new ShapeError(`prediction length ${pred.length} != ${S}x${H}x${W}`);
  const shape = prepared.volumeShape;
  if (shape.some((v, i) => v !== reference.shape[i]))
    throw new ShapeError('reference volume shape differs from the prepared volume');
  const data = new Float32Array(voxelCount(shape));
  const slice = new Int32Array(H * W);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < H * W; j++) {
      const k = pred[i * H * W + j] as number;
      slice[j] = classes ? (classes[k]?.code ?? 0) : k;
    }
    insertSlice(cropSlice(slice, W, prepared.pad), data, shape, prepared.spec.sliceAxis, i);
  }
  return {
    data,
    shape: [...shape],
    spacingMm: [...reference.spacingMm],
    affine: reference.affine.map((r) => [...r]),
    orientation: reference.orientation,
  };
}
