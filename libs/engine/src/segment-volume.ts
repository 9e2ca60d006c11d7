/**
 * The one way a trained network segments a volume (a 2D image is a 1-slice volume), used
 * by `segment`, `evaluate` and the inference service alike, so what evaluation reports is
 * exactly what a user is served: the recorded preprocessing (normalisation, slicing axis,
 * centre padding), slices padded to at least the input size the network was trained on,
 * sliding windows of that size where a slice is larger, the recorded test-time mirroring,
 * the masks cropped back into the input's geometry and the recorded postprocessing.
 */
import {
  assembleMask,
  prepareVolume,
  toModelGrid,
  type ModelGrid,
  type NormalizationSpec,
  type PadMode,
  type PreparedVolume,
  type Volume,
} from '../../data/src/index.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import type { BundleManifest, MirrorAxis, Postprocessing } from '../../nas/src/model-bundle.js';
import { runForwardSteps, type ForwardRequest, type ForwardSteps, type ProbabilityModel } from './forward.js';
import { mirroredSteps } from './mirror.js';
import { postprocessMask } from './postprocess.js';
import { classMapSteps } from './predict.js';
import type { SliceSet } from './slices.js';

/** What inference needs of a model bundle: its recorded preprocessing and inference settings. */
export interface InferenceSpec {
  sliceAxis: 0 | 1 | 2;
  normalization: NormalizationSpec;
  padMultiple: number;
  padMode: PadMode;
  /** Neighbouring slices on each side given as extra input channels (2.5D) [0]. */
  contextSlices?: number;
  /** Height and width of the network input in training; absent in bundles older than it. */
  inputSize?: [number, number] | undefined;
  /** Number of output classes. */
  nClasses: number;
  /** Orientation code of the training volumes (`RAS`, ...) or `as-stored` [as-stored]. */
  orientation?: string;
  /** Voxel spacing of the training volumes (x, y[, z] in that orientation); null: unknown [null]. */
  spacingMm?: readonly number[] | null;
  /** Axes of test-time mirroring [none]. */
  mirror?: readonly MirrorAxis[];
  /** What is done to the mask before it is returned [none]. */
  postprocessing?: Postprocessing;
}

/** What inference needs of `manifest`, slicing along `sliceAxis` [the recorded one]. */
export function inferenceSpec(
  manifest: Pick<BundleManifest, 'preprocessing' | 'inference'>,
  sliceAxis = manifest.preprocessing.sliceAxis,
): InferenceSpec {
  const pre = manifest.preprocessing;
  return {
    sliceAxis,
    normalization: pre.normalization,
    padMultiple: pre.padMultiple,
    padMode: pre.padMode,
    contextSlices: pre.contextSlices,
    inputSize: pre.inputSize,
    nClasses: pre.classes.length,
    orientation: pre.orientation,
    spacingMm: pre.spacingMm,
    mirror: manifest.inference.mirror,
    postprocessing: manifest.inference.postprocessing,
  };
}

/** Options of {@link segmentVolumeClasses}. */
export interface SegmentVolumeOptions {
  /** Slices (or windows) per forward pass [4]. */
  batchSize?: number;
  /** Sliding-window overlap [0.5]. */
  overlap?: number;
}

/** A volume preprocessed for a network: its padded slices and the window to predict them with. */
export interface NetInput {
  /** The volume on the model's grid (orientation, spacing) and the way back for its mask. */
  grid: ModelGrid;
  prepared: PreparedVolume;
  slices: SliceSet;
  window: [number, number];
  mirror: readonly MirrorAxis[];
  postprocessing: Postprocessing;
}

/**
 * Step 1 of {@link segmentVolumeClasses}: the recorded preprocessing applied to `volume`,
 * moved first onto the model's grid (its orientation and spacing when the bundle records
 * them; `toModelGrid`). Refused (ResourceLimitError) when the resampled volume or its
 * slices padded to the network's input would hold more than `maxVoxels` voxels, before
 * either is allocated.
 */
export function prepareNetInput(volume: Volume, pre: InferenceSpec, maxVoxels?: number): NetInput {
  // A 2D network sees slices: only their in-plane spacing is matched, never the slice step.
  const spacing = pre.spacingMm
    ? [0, 1, 2].map((a) => (a === pre.sliceAxis ? undefined : pre.spacingMm?.[a]))
    : null;
  const grid = toModelGrid(volume, pre.orientation ?? 'as-stored', spacing, maxVoxels);
  const prepared = prepareVolume(
    grid.volume,
    {
      sliceAxis: pre.sliceAxis,
      normalization: pre.normalization,
      padMultiple: pre.padMultiple,
      padMode: pre.padMode,
      ...(pre.contextSlices === undefined ? {} : { contextSlices: pre.contextSlices }),
    },
    pre.inputSize,
    maxVoxels,
  );
  const [S, H, W, C] = prepared.shape;
  const hw = H * W;
  const slices: SliceSet = {
    height: H,
    width: W,
    channels: C,
    nClasses: pre.nClasses,
    classNames: Array.from({ length: pre.nClasses }, (_, k) => String(k)),
    slices: Array.from({ length: S }, (_, i) => ({
      caseId: 'input',
      index: i,
      image: prepared.x.subarray(i * hw * C, (i + 1) * hw * C),
      label: new Uint8Array(hw),
    })),
  };
  return {
    grid,
    prepared,
    slices,
    window: pre.inputSize ?? [H, W],
    mirror: pre.mirror ?? [],
    postprocessing: pre.postprocessing ?? 'none',
  };
}

/**
 * Predicts `input` a batch of slices at a time, yielding its forward passes (see
 * forward.ts) and, after each batch but the last, the number of slices done; returns the
 * class index per voxel of the source volume.
 */
function* predictInBatches(
  input: NetInput,
  opts: SegmentVolumeOptions,
): ForwardSteps<Uint8Array, ForwardRequest | number> {
  const [S, H, W] = input.prepared.shape;
  const batch = opts.batchSize ?? 4;
  const window = { window: input.window, ...(opts.overlap === undefined ? {} : { overlap: opts.overlap }) };
  const flat = new Uint8Array(S * H * W);
  for (let i = 0; i < S; i += batch) {
    const part: SliceSet = { ...input.slices, slices: input.slices.slices.slice(i, i + batch) };
    const maps = yield* mirroredSteps(classMapSteps(part, batch, window), input.mirror);
    maps.forEach((p, j) => flat.set(p, (i + j) * H * W));
    if (i + batch < S) yield i + batch;
  }
  const onGrid = Uint8Array.from(assembleMask(flat, input.prepared, input.grid.volume).data);
  return input.grid.toSource(postprocessMask(onGrid, input.grid.volume.shape, input.postprocessing));
}

/** What a progress step receives back (nothing: only forward requests get probabilities). */
const NO_PROBABILITIES = new Float32Array(0);

/** `steps` with its progress steps answered and dropped. */
function* withoutProgress<T>(steps: ForwardSteps<T, ForwardRequest | number>): ForwardSteps<T> {
  let r = steps.next();
  while (!r.done) r = steps.next(typeof r.value === 'number' ? NO_PROBABILITIES : yield r.value);
  return r.value;
}

/** Step 2 of {@link segmentVolumeClasses}: class index per voxel of the source volume. */
export function predictNetInput(
  net: SegmentationNet,
  input: NetInput,
  opts: SegmentVolumeOptions = {},
): Uint8Array {
  return runForwardSteps(withoutProgress(predictInBatches(input, opts)), net);
}

/**
 * {@link predictNetInput} for servers and any {@link ProbabilityModel} (tfjs or ONNX
 * Runtime): awaits `between(slicesDone, slices)` before every forward pass but the first
 * (after each batch of slices, and between the batches of windows of a slice larger than
 * the network's input), which may throw to stop the work (a cancelled request, a passed
 * deadline) and lets the event loop answer other calls meanwhile.
 */
export async function predictNetInputAsync(
  model: ProbabilityModel,
  input: NetInput,
  between: (done: number, total: number) => Promise<void>,
  opts: SegmentVolumeOptions = {},
): Promise<Uint8Array> {
  const steps = predictInBatches(input, opts);
  let done = 0;
  let passes = 0;
  let r = steps.next();
  while (!r.done) {
    if (typeof r.value === 'number') {
      done = r.value;
      r = steps.next(NO_PROBABILITIES);
    } else {
      if (passes++ > 0) await between(done, input.prepared.shape[0]);
      r = steps.next(await model.probabilities(r.value.x, r.value.shape));
    }
  }
  return r.value;
}

/** Class index per voxel of `volume` (x fastest, then y, then z), yielding its forward passes. */
export function segmentVolumeSteps(
  volume: Volume,
  pre: InferenceSpec,
  opts: SegmentVolumeOptions = {},
): ForwardSteps<Uint8Array> {
  return withoutProgress(predictInBatches(prepareNetInput(volume, pre), opts));
}

/** Class index per voxel of `volume` (x fastest, then y, then z); see the module doc. */
export function segmentVolumeClasses(
  net: SegmentationNet,
  volume: Volume,
  pre: InferenceSpec,
  opts: SegmentVolumeOptions = {},
): Uint8Array {
  return runForwardSteps(segmentVolumeSteps(volume, pre, opts), net);
}
