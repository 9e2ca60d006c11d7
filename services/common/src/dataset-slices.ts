/**
 * Turns a downloaded dataset folder into the engine's training and validation slice sets:
 * load (libs/data), case-level split, per-case z-score normalisation, slicing and padding
 * to a multiple of 2^(depth+1).
 */
import { z } from 'zod';
import { PreconditionError, ValidationError } from '../../../libs/core/src/index.js';
import {
  loadDataset,
  sliceDataset,
  splitCases,
  trainingGrid,
  type ClassInfo,
  type PreprocessingSpec,
  type Slice2D,
} from '../../../libs/data/src/index.js';
import type { SliceSet } from '../../../libs/engine/src/index.js';

/** Train/validation slices of one dataset plus what a model bundle must record. */
export interface PreparedSlices {
  train: SliceSet;
  val: SliceSet;
  /** Everything (train and validation) in one set, for evaluation. */
  all: SliceSet;
  preprocessing: PreprocessingSpec;
  classes: ClassInfo[];
  /** Orientation and spacing the volumes share, recorded in the model bundle (`trainingGrid`). */
  grid: ReturnType<typeof trainingGrid>;
  /** Digest computed by libs/data over the files (hex). */
  digest: string;
}

/** A job request's `max_cases`: 0 = every case, else 2..1000000 (the split needs two). */
export const MAX_CASES = z
  .number()
  .int()
  .min(0)
  .max(1_000_000)
  .refine((n) => n !== 1, 'must be 0 (every case) or at least 2');

/** Options of {@link prepareSlices}. */
export interface PrepareOptions {
  /** H and W become multiples of this: 2^(depth+1). */
  padMultiple: number;
  /** Fraction of cases held out for validation, [0, 0.5]. */
  validationFraction: number;
  /** Seed of the case split. */
  seed: number;
  /** Only the first N cases in case-id order; 0 or absent = every case. */
  maxCases?: number;
  /** Class names as registered with the dataset (index 0 = background) [the folder's own]. */
  classNames?: readonly string[];
  /** Neighbouring slices on each side as extra channels (2.5D) [0]. */
  contextSlices?: number;
}

function toSliceSet(
  slices: Slice2D[],
  { height, width, channels }: { height: number; width: number; channels: number },
  classes: ClassInfo[],
): SliceSet {
  return {
    height,
    width,
    channels,
    nClasses: classes.length,
    classNames: classes.map((c) => c.name),
    slices: slices.map((s) => ({
      caseId: s.caseId,
      index: s.sliceIndex,
      image: s.image,
      label: Uint8Array.from(s.label ?? new Int32Array(height * width)),
    })),
  };
}

/** Loads the dataset folder `dir` and prepares its slices. */
export async function prepareSlices(dir: string, options: PrepareOptions): Promise<PreparedSlices> {
  const ds = await loadDataset(
    { kind: 'folder', path: dir },
    { requireLabels: true, ...(options.maxCases ? { maxCases: options.maxCases } : {}) },
  );
  if (ds.cases.length < 2)
    throw new ValidationError(`dataset at ${dir} needs at least 2 cases, has ${ds.cases.length}`);
  const ids = ds.cases.map((c) => c.id);
  const split = splitCases(ids, { val: options.validationFraction, test: 0, seed: options.seed });
  const sliced = sliceDataset(ds.cases, registeredClasses(ds.classes, options.classNames, dir), {
    padMultiple: options.padMultiple,
    ...(options.contextSlices ? { contextSlices: options.contextSlices } : {}),
  });
  const valIds = new Set(split.val);
  const train = sliced.slices.filter((s) => !valIds.has(s.caseId));
  const val = sliced.slices.filter((s) => valIds.has(s.caseId));
  const { classes } = sliced;
  return {
    train: toSliceSet(train, sliced, classes),
    val: toSliceSet(val.length > 0 ? val : train, sliced, classes),
    all: toSliceSet(sliced.slices, sliced, classes),
    preprocessing: sliced.preprocessing,
    classes,
    grid: trainingGrid(ds),
    digest: ds.digest,
  };
}

/**
 * The classes of the data named as registered (the registry's record carries the names the
 * user gave, the files only codes or dataset.json's names).
 * @throws PreconditionError when the registered names do not count the data's classes.
 */
function registeredClasses(
  classes: ClassInfo[],
  names: readonly string[] | undefined,
  dir: string,
): ClassInfo[] {
  if (names === undefined || names.length === 0) return classes;
  if (names.length !== classes.length) {
    throw new PreconditionError(
      `the dataset is registered with ${names.length} class names (${names.join(', ')}) but the labels at ${dir} hold ${classes.length} classes (codes ${classes.map((c) => c.code).join(', ')})`,
    );
  }
  return classes.map((c, i) => ({ ...c, name: names[i] as string }));
}
