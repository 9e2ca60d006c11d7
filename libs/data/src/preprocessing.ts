/**
 * The preprocessing description recorded in a model bundle, and its validation.
 */
import { ValidationError } from '../../core/src/index.js';
import { validateNormalization, type NormalizationSpec } from './normalize.js';
import { validateContextSlices } from './context-slices.js';
import { validateAxis, validatePadMultiple, type PadMode } from './slicing.js';
import type { Axis } from './volume.js';

/**
 * Everything needed to turn a volume into network input the same way at training and at
 * inference. Store it verbatim (JSON) with a trained model.
 * - `sliceAxis`: voxel axis the volume is cut along (see slicing.ts for slice layout);
 * - `normalization`: intensity normalisation, applied per case before slicing;
 * - `padMultiple`: slices are centre-padded so H and W are multiples of it (2^(depth+1));
 * - `padMode`: fill of the image padding (labels always pad with background 0);
 * - `contextSlices`: neighbours on each side of a slice given as extra input channels
 *   (2.5D, see context-slices.ts); 0 = the slice alone.
 */
export interface PreprocessingSpec {
  sliceAxis: Axis;
  normalization: NormalizationSpec;
  padMultiple: number;
  padMode: PadMode;
  contextSlices: number;
}

/** A spec as recorded or requested: `normalization`, `padMode` and `contextSlices` may be absent. */
export type PreprocessingInput = Partial<PreprocessingSpec> & { sliceAxis: number; padMultiple: number };

/** Validates a recorded spec (e.g. read from a model bundle); fills the fields that may be absent. */
export function validatePreprocessing(spec: PreprocessingInput): PreprocessingSpec {
  if (!spec || typeof spec !== 'object') throw new ValidationError('preprocessing must be an object');
  validateAxis(spec.sliceAxis);
  validatePadMultiple(spec.padMultiple);
  const normalization = spec.normalization ?? { kind: 'zscore' };
  validateNormalization(normalization);
  const padMode = spec.padMode ?? 'zero';
  if (padMode !== 'zero' && padMode !== 'edge')
    throw new ValidationError(`padMode must be 'zero' or 'edge', got '${String(padMode)}'`);
  const contextSlices = spec.contextSlices ?? 0;
  validateContextSlices(contextSlices);
  return { sliceAxis: spec.sliceAxis, normalization, padMultiple: spec.padMultiple, padMode, contextSlices };
}
