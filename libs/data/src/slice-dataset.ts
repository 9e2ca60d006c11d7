/**
 * Turns cases into a flat list of equally sized, normalised 2D training slices.
 */
import { DataFormatError, ValidationError } from '../../core/src/index.js';
import {
  computeIntensityStats,
  normalizeIntensities,
  type IntensityStats,
  type NormalizationSpec,
} from './normalize.js';
import { contextChannels, stackContext } from './context-slices.js';
import { validatePreprocessing, type PreprocessingSpec } from './preprocessing.js';
import {
  extractSlice,
  padInfoFor,
  padSlice,
  paddedSlices,
  roundUpTo,
  sliceGeometry,
  type PadInfo,
  type PadMode,
} from './slicing.js';
import type { Case, ClassInfo } from './types.js';
import type { Axis } from './volume.js';

/** One training/evaluation slice, already normalised and padded to the dataset size. */
export interface Slice2D {
  caseId: string;
  /** Index of the slice along the slicing axis in its case. */
  sliceIndex: number;
  /**
   * Normalised intensities, row-major [height, width, channels]: the slice alone
   * (channels = 1) or with its neighbours (`contextSlices`, channels = 2k + 1).
   */
  image: Float32Array;
  /** Row-major [height, width] class indices (positions in `classes`), when labelled. */
  label?: Int32Array;
  /** Where the original slice sits in the padded one (to crop predictions back). */
  pad: PadInfo;
}

/** Options of {@link sliceDataset}. */
export interface SliceDatasetOptions {
  /** Voxel axis to cut along; default 2 (Z; 2D images have Z = 1). */
  sliceAxis?: Axis;
  /** H and W become multiples of this: 2^(depth+1) for a U-Net of that depth. Required. */
  padMultiple: number;
  /**
   * Default `{kind: 'zscore'}` (per case). With `{kind: 'fixed'}` and no mean/std given,
   * pass `statsFrom` (the training cases) and the stats are computed from those.
   */
  normalization?: NormalizationSpec | { kind: 'fixed' };
  /** Cases whose image voxels give fixed-normalisation statistics (the training split). */
  statsFrom?: readonly Case[];
  /** Image padding fill; default 'zero'. Labels always pad with class 0. */
  padMode?: PadMode;
  /**
   * Common [height, width] of all slices (each a multiple of padMultiple). Default: the
   * largest slice of these cases, rounded up to padMultiple. Pass the training set's size
   * when slicing validation/test cases so shapes agree.
   */
  size?: [number, number];
  /** Drop slices whose label is all background (default false). */
  dropEmptySlices?: boolean;
  /** Neighbouring slices on each side given as extra channels (2.5D) [0]. */
  contextSlices?: number;
}

/** Result of {@link sliceDataset}. */
export interface SlicedDataset {
  slices: Slice2D[];
  height: number;
  width: number;
  /** Values per pixel of a slice image: 2 * contextSlices + 1. */
  channels: number;
  classes: ClassInfo[];
  /** The preprocessing used (record it in the model bundle). */
  preprocessing: PreprocessingSpec;
  /** Fixed-normalisation stats when computed here, else undefined. */
  stats?: IntensityStats;
}

/**
 * Normalises each case (per {@link SliceDatasetOptions.normalization}), cuts it into 2D
 * slices along `sliceAxis`, maps label codes to class indices and centre-pads every slice
 * to one common size (a multiple of `padMultiple`).
 *
 * @param classes the dataset's classes; label code `classes[i].code` becomes index i.
 * @throws DataFormatError (naming the case) for a label code that is not in `classes`.
 */
export function sliceDataset(
  cases: readonly Case[],
  classes: readonly ClassInfo[],
  options: SliceDatasetOptions,
): SlicedDataset {
  const axis = options.sliceAxis ?? 2;
  let stats: IntensityStats | undefined;
  let normalization: NormalizationSpec;
  const req = options.normalization ?? { kind: 'zscore' };
  if (req.kind === 'fixed' && !('mean' in req && 'std' in req)) {
    if (!options.statsFrom || options.statsFrom.length === 0) {
      throw new ValidationError(
        "normalization {kind: 'fixed'} without mean/std needs statsFrom (the training cases)",
      );
    }
    stats = computeIntensityStats(options.statsFrom);
    normalization = { kind: 'fixed', mean: stats.mean, std: stats.std };
  } else {
    normalization = req as NormalizationSpec;
  }
  const preprocessing = validatePreprocessing({
    sliceAxis: axis,
    normalization,
    padMultiple: options.padMultiple,
    padMode: options.padMode ?? 'zero',
    contextSlices: options.contextSlices ?? 0,
  });
  const m = preprocessing.padMultiple;
  if (classes.length < 2)
    throw new ValidationError(`need at least 2 classes (background + 1), got ${classes.length}`);
  const codeToIndex = new Map(classes.map((c, i) => [c.code, i]));

  let height: number;
  let width: number;
  if (options.size) {
    [height, width] = options.size;
    if (
      !Number.isInteger(height) ||
      !Number.isInteger(width) ||
      height % m !== 0 ||
      width % m !== 0 ||
      height < 1 ||
      width < 1
    ) {
      throw new ValidationError(
        `size ${options.size.join('x')} must be positive multiples of padMultiple ${m}`,
      );
    }
  } else {
    height = m;
    width = m;
    for (const c of cases) {
      const g = sliceGeometry(c.image.shape, axis);
      height = Math.max(height, roundUpTo(g.rows, m));
      width = Math.max(width, roundUpTo(g.cols, m));
    }
  }

  const slices: Slice2D[] = [];
  const k = preprocessing.contextSlices;
  const hw = height * width;
  for (const c of cases) {
    const { shape } = c.image;
    const g = sliceGeometry(shape, axis);
    const pad = padInfoFor(g.rows, g.cols, height, width);
    const norm = normalizeIntensities(c.image.data, preprocessing.normalization);
    const labelIdx = c.label ? codesToIndices(c, codeToIndex) : undefined;
    const tmpLab = new Int32Array(g.rows * g.cols);
    // Every slice is padded first: a kept slice may take its neighbours from dropped ones.
    const planes = paddedSlices(norm, shape, axis, pad, height, width, preprocessing.padMode);
    const images = stackContext(planes, g.count, hw, k);
    const perSlice = hw * contextChannels(k);
    for (let s = 0; s < g.count; s++) {
      let label: Int32Array | undefined;
      if (labelIdx) {
        extractSlice(labelIdx, shape, axis, s, tmpLab);
        if (options.dropEmptySlices && tmpLab.every((v) => v === 0)) continue;
        label = padSlice(tmpLab, pad, height, width, 'zero');
      }
      const image = images.subarray(s * perSlice, (s + 1) * perSlice);
      slices.push({ caseId: c.id, sliceIndex: s, image, ...(label ? { label } : {}), pad });
    }
  }
  return {
    slices,
    height,
    width,
    channels: contextChannels(k),
    classes: classes.map((c) => ({ ...c })),
    preprocessing,
    ...(stats ? { stats } : {}),
  };
}

function codesToIndices(c: Case, codeToIndex: Map<number, number>): Int32Array {
  const src = c.label?.data as Float32Array;
  const out = new Int32Array(src.length);
  // Fast path: a lookup table over small integer codes, the Map for anything else.
  const lut = new Int32Array(256).fill(-1);
  for (const [code, i] of codeToIndex) if (Number.isInteger(code) && code >= 0 && code < 256) lut[code] = i;
  for (let i = 0; i < src.length; i++) {
    const v = src[i] as number;
    const fast = v >= 0 && v < 256 && Number.isInteger(v) ? (lut[v] as number) : -1;
    const idx = fast >= 0 ? fast : codeToIndex.get(v);
    if (idx === undefined) {
      const file = c.files?.label ?? c.id;
      throw new DataFormatError(
        `${file}: label value ${src[i]} is not a class code (${[...codeToIndex.keys()].join(', ')})`,
      );
    }
    out[i] = idx;
  }
  return out;
}
