/**
 * Dataset-level types shared by the loaders, slicing and batching.
 */
import type { DecodedVolumeCache } from './decoded-cache.js';
import type { SegmentCodes } from './segment-codes.js';
import type { Volume } from './volume.js';

/** One labelled (or unlabelled) case: a 3D volume, or a 2D image as a 1-slice volume. */
export interface Case {
  /** Stable case id (file base name without extension, or `synthetic_NNN`). */
  id: string;
  image: Volume;
  /** Integer class codes as stored in the label file, same shape as `image`. */
  label?: Volume;
  /** Files the case came from, relative to the dataset root (absent for synthetic cases). */
  files?: { image: string; label?: string };
}

/**
 * A segmentation class. `code` is the value in label files; a class's position in
 * `Dataset.classes` is its index, which is what batches (`y`) and models use. Index 0 is
 * background.
 */
export interface ClassInfo {
  code: number;
  name: string;
  /** What a DICOM SEG records for the class (from dataset.json's `segmentCodes`), when given. */
  segment?: SegmentCodes;
}

/** A case that was left out because its files were bad (with `onBadCase: 'skip'`). */
export interface SkippedCase {
  id: string;
  /** The offending file (absolute path). */
  file: string;
  reason: string;
}

/** Kinds of dataset this lib loads. */
export type DatasetKind = 'msd' | 'pairs' | 'folder2d' | 'synthetic';

/** A loaded dataset: every case in memory, in sorted id order. */
export interface Dataset {
  name: string;
  kind: DatasetKind;
  /** Absolute root folder (absent for synthetic). */
  root?: string;
  cases: Case[];
  classes: ClassInfo[];
  /** Cases left out with `onBadCase: 'skip'`, with the reason. */
  skipped: SkippedCase[];
  /** Hex sha256 over the sorted (relative path, file bytes) pairs, or the synthetic config. */
  digest: string;
  /** True when the cases are volumes (Z > 1 possible); false for 2D image datasets. */
  volumetric: boolean;
}

/** Options shared by all folder loaders. */
export interface LoadOptions {
  /**
   * What to do with a case whose files are missing, unreadable or inconsistent:
   * 'fail' (default) throws at the first one; 'skip' leaves it out and records it in
   * `Dataset.skipped`, so a long run does not stop half-way.
   */
  onBadCase?: 'fail' | 'skip';
  /** Load only the first N cases in sorted id order (quick tests, demos). */
  maxCases?: number;
  /**
   * Class names by code, overriding names from dataset.json or inferred ones (e.g.
   * `{1: 'anterior', 2: 'posterior'}` for a folder without dataset.json). Codes not
   * present in the data are ignored.
   */
  classNames?: Record<number, string>;
  /** Called after each case is read (or skipped), e.g. to drive a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Cases without a label are an error (default true for training data). */
  requireLabels?: boolean;
  /**
   * Where decoded volumes are kept for the next load of the same files; `false`: nowhere.
   * Default: the folder the environment names (see `decodedCacheFromEnv`).
   */
  decodedCache?: DecodedVolumeCache | false;
}
