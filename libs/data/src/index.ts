/**
 * libs/data public API: reading images and datasets, preprocessing into 2D slices,
 * splitting, augmentation and seeded, resumable batching.
 */
export { Rng, deriveSeed, type RngState } from './rng.js';
export {
  type Volume,
  type Shape3,
  type Axis,
  makeVolume,
  volumeLike,
  diagonalAffine,
  orientationFromAffine,
  spacingFromAffine,
  voxelCount,
} from './volume.js';
export { isOrientationCode, toModelGrid, trainingGrid, type ModelGrid } from './model-grid.js';
export { readNifti, parseNifti, decodeNifti, type NiftiReadOptions } from './nifti-read.js';
export { writeNifti, encodeNifti, type NiftiWriteDatatype } from './nifti-write.js';
export { readImage2D, decodeImage2D, encodePngGray, is2DImagePath, IMAGE_2D_EXTENSIONS } from './image2d.js';
export { encodePngPalette, type Rgb } from './png-palette.js';
export {
  CodedConceptSchema,
  SegmentCodesSchema,
  parseSegmentCodes,
  withSegmentCodes,
  type SegmentCodes,
} from './segment-codes.js';
export { checkClassNames, nameForegroundClasses, MAX_CLASS_NAME_LENGTH } from './class-names.js';
export type { Case, ClassInfo, SkippedCase, Dataset, DatasetKind, LoadOptions } from './types.js';
export { loadFolderDataset, inferClasses, isNiftiPath, caseIdFromPath } from './load-folder.js';
export {
  generateSyntheticDataset,
  resolveSyntheticConfig,
  SYNTHETIC_DEFAULTS,
  SYNTHETIC_CLASSES,
  type SyntheticConfig,
} from './synthetic.js';
export { loadDataset, parseDatasetRef, type DatasetSource } from './load-dataset.js';
export { digestFiles, digestJson, canonicalJson } from './digest.js';
export {
  DecodedVolumeCache,
  decodedCacheFromEnv,
  DECODED_FORMAT_VERSION,
  DEFAULT_DECODED_CACHE_BYTES,
  type DecodedCacheOptions,
} from './decoded-cache.js';
export {
  computeIntensityStats,
  normalizeIntensities,
  statsOf,
  validateNormalization,
  MIN_STD,
  type NormalizationSpec,
  type IntensityStats,
} from './normalize.js';
export {
  sliceGeometry,
  extractSlice,
  insertSlice,
  padSlice,
  cropSlice,
  padInfoFor,
  roundUpTo,
  type PadInfo,
  type PadMode,
} from './slicing.js';
export { validatePreprocessing, type PreprocessingInput, type PreprocessingSpec } from './preprocessing.js';
export {
  contextChannels,
  stackContext,
  validateContextSlices,
  MAX_CONTEXT_SLICES,
} from './context-slices.js';
export { sliceDataset, type Slice2D, type SliceDatasetOptions, type SlicedDataset } from './slice-dataset.js';
export { splitCases, type SplitSpec, type CaseSplit } from './split.js';
export { augmentSample, flip, shift, validateAugment, type AugmentOptions } from './augment.js';
export { BatchIterator, type Batch, type BatchIteratorOptions, type BatchIteratorState } from './batching.js';
export { batchToTensors } from './tensors.js';
export { prepareVolume, assembleMask, type PreparedVolume } from './inference.js';
