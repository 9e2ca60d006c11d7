/**
 * The DICOM SEG of a segmented series as every caller writes it (the CLI in-process, the
 * inference service): one segment per foreground class of the model, coded as the model
 * bundle records (or by default), made by the model named with its version, weights digest
 * and genotype digest; and the voxel count and volume of each segment.
 */
import { digestJson } from '../../data/src/index.js';
import type { DicomSeries } from './read-series.js';
import {
  DEFAULT_TYPE,
  encodeSegmentation,
  type Code,
  type EncodedSegmentation,
  type SegAlgorithm,
  type SegmentSpec,
} from './seg-write.js';

/** A model class as a model bundle records it (codes optional). */
export interface ModelClass {
  name: string;
  segment?: { category: Code; type: Code; modifier?: Code | undefined } | undefined;
}

/** The model that made a mask, as the registry or a bundle folder names it. */
export interface ModelIdentity {
  name: string;
  version: string;
  /** "sha256:<hex>" of the weights. */
  weightsDigest: string;
  /** The bundle's genotype, null for a baseline architecture. */
  genotype: unknown;
}

/** One segment of a written SEG: its number (= class index), label, size and type. */
export interface SegmentTally {
  segmentNumber: number;
  label: string;
  voxelCount: number;
  /** voxelCount times the source voxel size, in millilitres. */
  volumeMl: number;
  type: Code;
}

/** A written SEG with its segments' tallies. */
export interface SeriesSegmentation extends EncodedSegmentation {
  segments: SegmentTally[];
}

/** Segments of the foreground classes (class 0 is background), numbered by class index. */
export function segmentSpecs(classes: readonly ModelClass[]): SegmentSpec[] {
  return classes.slice(1).map((c, k) => ({
    classIndex: k + 1,
    label: c.name,
    category: c.segment?.category,
    type: c.segment?.type,
    modifier: c.segment?.modifier,
  }));
}

/** The SEG's algorithm identification of `model`: the genotype as the hex SHA-256 of its canonical JSON. */
export function segAlgorithm(model: ModelIdentity): SegAlgorithm {
  return {
    name: model.name,
    version: model.version,
    weightsDigest: model.weightsDigest,
    genotypeDigest:
      model.genotype === null || model.genotype === undefined ? 'none' : digestJson(model.genotype),
  };
}

/**
 * The SEG of `mask` (class index per voxel of `series.volume`) with one segment per
 * foreground class of `classes`, and each segment's voxel count and volume.
 */
export function writeSeriesSegmentation(
  series: DicomSeries,
  mask: Uint8Array,
  classes: readonly ModelClass[],
  model: ModelIdentity,
): SeriesSegmentation {
  const specs = segmentSpecs(classes);
  const encoded = encodeSegmentation(series, mask, specs, segAlgorithm(model));
  const counts = new Array<number>(classes.length).fill(0);
  for (const k of mask) counts[k] = (counts[k] ?? 0) + 1;
  const [sx, sy, sz] = series.volume.spacingMm;
  const voxelMl = (sx * sy * sz) / 1000;
  return {
    ...encoded,
    segments: specs.map((s) => ({
      segmentNumber: s.classIndex,
      label: s.label,
      voxelCount: counts[s.classIndex] ?? 0,
      volumeMl: (counts[s.classIndex] ?? 0) * voxelMl,
      type: s.type ?? DEFAULT_TYPE,
    })),
  };
}
