/**
 * From a dataset reference to the engine's slice sets: load (folder or synthetic), split
 * cases into train / val / test by seed, cut into normalised, padded 2D slices.
 */
import {
  loadDataset,
  nameForegroundClasses,
  sliceDataset,
  splitCases,
  type Axis,
  type ClassInfo,
  type Dataset,
  type NormalizationSpec,
  type SlicedDataset,
} from '../../data/src/index.js';
import { ValidationError } from '../../core/src/index.js';
import type { SliceSet } from '../../engine/src/index.js';

/** Where the data comes from and how to cut it. */
export interface DataRequest {
  /** A folder path, or a synthetic reference (`synthetic` or `synthetic:count=24,size=64`). */
  ref: string;
  /** Voxel axis volumes are sliced along [2]. */
  sliceAxis?: Axis;
  /** Load only the first N cases [all]. */
  maxCases?: number;
  /** Fractions of cases for validation and test [0.2, 0.2]. */
  valFraction?: number;
  testFraction?: number;
  /** Skip bad cases instead of failing [false]. */
  skipBadCases?: boolean;
  /** Names of the foreground classes in label-code order [dataset.json's labels, else class_<code>]. */
  classNames?: string[];
}

/** The prepared splits. */
export interface PreparedData {
  dataset: Dataset;
  classes: ClassInfo[];
  train: SliceSet;
  val: SliceSet;
  test: SliceSet;
  /** Every labelled case (for `evaluate --split all`). */
  all: SliceSet;
  /** Case ids of each split. */
  split: { train: string[]; val: string[]; test: string[] };
  height: number;
  width: number;
  normalization: NormalizationSpec;
  sliceAxis: Axis;
  padMultiple: number;
}

/** Voxel spacing `[slice, row, column]` in mm of a slice along `axis` (see data's slice layout). */
export function sliceSpacing(spacingMm: [number, number, number], axis: Axis): [number, number, number] {
  const [sx, sy, sz] = spacingMm;
  if (axis === 2) return [sz, sy, sx];
  if (axis === 1) return [sy, sz, sx];
  return [sx, sz, sy];
}

/** Converts data's sliced dataset (labels required) to the engine's slice set. */
export function toSliceSet(
  s: SlicedDataset,
  ids: ReadonlySet<string> | null,
  spacing: Record<string, [number, number, number]>,
): SliceSet {
  const slices = s.slices
    .filter((x) => ids === null || ids.has(x.caseId))
    .map((x) => {
      if (!x.label)
        throw new ValidationError(`case ${x.caseId} has no label; training and evaluation need labels`);
      return {
        caseId: x.caseId,
        index: x.sliceIndex,
        image: x.image,
        label: Uint8Array.from(x.label),
        region: { ...x.pad },
      };
    });
  return {
    height: s.height,
    width: s.width,
    channels: s.channels,
    nClasses: s.classes.length,
    classNames: s.classes.map((c) => c.name),
    slices,
    spacing,
  };
}

/** Loads the dataset of a request (labels required), its classes named as requested. */
export async function loadRequestedDataset(req: DataRequest): Promise<Dataset> {
  const dataset = await loadDataset(req.ref, {
    ...(req.maxCases !== undefined ? { maxCases: req.maxCases } : {}),
    onBadCase: req.skipBadCases ? 'skip' : 'fail',
    requireLabels: true,
  });
  return { ...dataset, classes: requestedClasses(dataset, req) };
}

/**
 * The dataset's classes with the request's `classNames` in place of their names.
 * @throws ValidationError (naming --class-names) when the count differs from the data's.
 */
export function requestedClasses(dataset: Dataset, req: DataRequest): ClassInfo[] {
  if (req.classNames === undefined) return dataset.classes;
  try {
    return nameForegroundClasses(dataset.classes, req.classNames);
  } catch (e) {
    throw new ValidationError(`--class-names: ${(e as Error).message}`);
  }
}

/** How {@link prepareData} cuts the slices, beyond the request. */
export interface SlicingChoice {
  /** The dataset, when already loaded. */
  dataset?: Dataset;
  /** Pad every slice to exactly this size [the largest slice, rounded up to `padMultiple`]. */
  size?: [number, number];
  /** Intensity normalisation [per-case z-score]. */
  normalization?: NormalizationSpec;
  /** Neighbouring slices on each side as extra channels (2.5D) [0]. */
  contextSlices?: number;
}

/** Loads, splits and slices a dataset. `padMultiple` is 2^(depth+1) of the model. */
export async function prepareData(
  req: DataRequest,
  padMultiple: number,
  seed: number,
  classes?: ClassInfo[],
  choice: SlicingChoice = {},
): Promise<PreparedData> {
  const dataset = choice.dataset ?? (await loadRequestedDataset(req));
  if (dataset.cases.length < 3) {
    throw new ValidationError(
      `dataset ${req.ref} has ${dataset.cases.length} case(s); at least 3 are needed for train/val/test`,
    );
  }
  const sliceAxis = req.sliceAxis ?? 2;
  const useClasses = classes ?? dataset.classes;
  const normalization: NormalizationSpec = choice.normalization ?? { kind: 'zscore' };
  const sliced = sliceDataset(dataset.cases, useClasses, {
    sliceAxis,
    padMultiple,
    normalization,
    ...(choice.size ? { size: choice.size } : {}),
    ...(choice.contextSlices !== undefined ? { contextSlices: choice.contextSlices } : {}),
  });
  const split = splitCases(
    dataset.cases.map((c) => c.id),
    { val: req.valFraction ?? 0.2, test: req.testFraction ?? 0.2, seed },
  );
  const spacing: Record<string, [number, number, number]> = {};
  for (const c of dataset.cases) spacing[c.id] = sliceSpacing(c.image.spacingMm, sliceAxis);
  const set = (ids: string[] | null): SliceSet =>
    toSliceSet(sliced, ids === null ? null : new Set(ids), spacing);
  return {
    dataset,
    classes: useClasses.map((c) => ({ ...c })),
    train: set(split.train),
    val: set(split.val),
    test: set(split.test),
    all: set(null),
    split: { train: [...split.train], val: [...split.val], test: [...split.test] },
    height: sliced.height,
    width: sliced.width,
    normalization,
    sliceAxis,
    padMultiple,
  };
}
