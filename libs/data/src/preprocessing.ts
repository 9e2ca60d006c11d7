/**
 * The preprocessing description recorded in a model bundle, and its validation.
 */
import { ValidationError } from '../../core/src/index.js';
import { validateNormalization, type NormalizationSpec } from './normalize.js';
import { validateAxis, validatePadMultiple, type PadMode } from './slicing.js';
import type { Axis } from './volume.js';

/**
 * Everything needed to turn a volume into network input the same way at training and at
 * inference. Store it verbatim (JSON) with a trained model.
 * - `sliceAxis`: voxel axis the volume is cut along (see slicing.ts for slice layout);
 * - `normalization`: intensity normalisation, applied per case before slicing;
 * - `padMultiple`: slices are centre-padded so H and W are multiples of it (2^(depth+1));
 * - `padMode`: fill of the image padding (labels always pad with background 0).
 */
export interface PreprocessingSpec {
  sliceAxis: Axis;
  normalization: NormalizationSpec;
  padMultiple: number;
  padMode: PadMode;
}

/** Validates a recorded spec (e.g. read from a model bundle); fills `padMode` when absent. */
export function validatePreprocessing(
  spec: Partial<PreprocessingSpec> & { sliceAxis: number; padMultiple: number },
): PreprocessingSpec {
  if (!spec || typeof spec !== 'object') throw new ValidationError('preprocessing must be an object');
  validateAxis(spec.sliceAxis);
  validatePadMultiple(spec.padMultiple);
  const normalization = spec.normalization ?? { kind: 'zscore' };
  validateNormalization(normalization);
  const padMode = spec.padMode ?? 'zero';
  if (padMode !== 'zero' && padMode !== 'edge')
    throw new ValidationError(`padMode must be 'zero' or 'edge', got '${String(padMode)}'`);
  return { sliceAxis: spec.sliceAxis, normalization, padMultiple: spec.padMultiple, padMode };
}
