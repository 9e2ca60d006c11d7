/**
 * The benchmark's data: MSD hippocampus volumes, a fixed case-level split (train / val /
 * test), per-case z-scored axial slices padded to one size, and the fixed seeded slice
 * samples the search and the training use. Test cases never enter search or training.
 */
import { ValidationError } from '../../libs/core/src/index.js';
import { loadDataset, sliceDataset, splitCases } from '../../libs/data/src/index.js';
import { Rng, deriveSeed, hasForeground, type Slice, type SliceSet } from '../../libs/engine/src/index.js';
import { sliceSpacing, toSliceSet } from '../../libs/cli/src/index.js';
import type { BenchConfig } from './config.js';

/** Class names of MSD Task04 (label codes 1 and 2). */
export const HIPPOCAMPUS_CLASSES: Record<number, string> = { 1: 'anterior', 2: 'posterior' };

/** Everything the stages need from the data. */
export interface BenchData {
  /** Case ids of each split (sorted). */
  split: { train: string[]; val: string[]; test: string[] };
  /** Search training slices: every slice of the training cases (batches drawn by the recipe). */
  searchTrain: SliceSet;
  /** Search validation slices (seeded sample of the validation cases). */
  searchVal: SliceSet;
  /** Training slices shared by all five networks: every slice of the training cases. */
  train: SliceSet;
  /** Validation slices (best-epoch choice). */
  val: SliceSet;
  /** Every slice of every test case. */
  test: SliceSet;
  /** Slice height and width after padding (pixels). */
  height: number;
  width: number;
  datasetDigest: string;
  nCases: number;
}

/** A seeded sample of `n` slices, `fgFraction` of them with foreground (as far as available). */
export function sampleSlices(slices: Slice[], n: number, fgFraction: number, seed: number): Slice[] {
  const rng = new Rng(seed);
  const fg = rng.shuffle(slices.filter(hasForeground));
  const bg = rng.shuffle(slices.filter((s) => !hasForeground(s)));
  const nFg = Math.min(fg.length, Math.round(n * fgFraction));
  const nBg = Math.min(bg.length, n - nFg);
  return [...fg.slice(0, nFg), ...bg.slice(0, nBg)];
}

/** How {@link loadSplitSlices} splits and slices the data. */
export interface SplitSliceOptions {
  dataDir: string;
  testCases: number;
  valCases: number;
  splitSeed: number;
  sliceAxis: 0 | 1 | 2;
  /** Slices are centre-padded to a multiple of this (the largest input multiple of the nets). */
  padMultiple: number;
  /** Neighbouring slices on each side as extra channels (2.5D) [0]. */
  contextSlices?: number;
}

/** Every slice of the training, validation and test cases of a fixed seeded case split. */
export interface SplitSlices {
  split: { train: string[]; val: string[]; test: string[] };
  train: SliceSet;
  val: SliceSet;
  test: SliceSet;
  datasetDigest: string;
  nCases: number;
}

/**
 * Loads MSD hippocampus, splits its cases (seeded, by count), slices every case along
 * `sliceAxis` (per-case z-score, centre-padded) and returns all slices of each split.
 */
export async function loadSplitSlices(o: SplitSliceOptions): Promise<SplitSlices> {
  const ds = await loadDataset(o.dataDir, {
    requireLabels: true,
    onBadCase: 'fail',
    classNames: HIPPOCAMPUS_CLASSES,
  });
  const ids = ds.cases.map((c) => c.id);
  if (ids.length < o.testCases + o.valCases + 10) {
    throw new ValidationError(
      `${o.dataDir}: ${ids.length} cases are too few for ${o.testCases} test and ${o.valCases} validation cases`,
    );
  }
  const split = splitCases(ids, { val: o.valCases, test: o.testCases, unit: 'count', seed: o.splitSeed });
  const sorted = {
    train: [...split.train].sort(),
    val: [...split.val].sort(),
    test: [...split.test].sort(),
  };
  const sliced = sliceDataset(ds.cases, ds.classes, {
    sliceAxis: o.sliceAxis,
    padMultiple: o.padMultiple,
    ...(o.contextSlices ? { contextSlices: o.contextSlices } : {}),
  });
  const spacing: Record<string, [number, number, number]> = {};
  for (const c of ds.cases) spacing[c.id] = sliceSpacing(c.image.spacingMm, o.sliceAxis);
  const set = (ids: string[]): SliceSet => toSliceSet(sliced, new Set(ids), spacing);
  return {
    split: sorted,
    train: set(sorted.train),
    val: set(sorted.val),
    test: set(sorted.test),
    datasetDigest: ds.digest,
    nCases: ids.length,
  };
}

/**
 * Loads the dataset and builds the splits and slice sets of `cfg`. `padMultiple` is the
 * largest input multiple any benchmarked network needs.
 */
export async function prepareBenchData(cfg: BenchConfig, padMultiple: number): Promise<BenchData> {
  const all = await loadSplitSlices({ ...cfg, padMultiple });
  const set = (slices: Slice[]): SliceSet => ({ ...all.train, slices });
  const s = cfg.search;
  const t = cfg.train;
  return {
    split: all.split,
    searchTrain: all.train,
    searchVal: set(sampleSlices(all.val.slices, s.valSlices, 0.75, deriveSeed(cfg.splitSeed, 12))),
    train: all.train,
    val: set(sampleSlices(all.val.slices, t.valSlices, 0.75, deriveSeed(cfg.splitSeed, 14))),
    test: all.test,
    height: all.train.height,
    width: all.train.width,
    datasetDigest: all.datasetDigest,
    nCases: all.nCases,
  };
}
