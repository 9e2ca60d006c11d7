/** Dataset fingerprints of three kinds of data, for the planners' tests. */
import type { DatasetFingerprint } from '../auto-config.js';

/** MSD Task04 hippocampus: small isotropic MR volumes, two small classes. */
export const hippocampus: DatasetFingerprint = {
  cases: 260,
  is2d: false,
  medianShape: [35, 50, 36],
  maxShape: [43, 59, 47],
  medianSpacing: [1, 1, 1],
  intensity: { min: 0, max: 480000, mean: 60000, std: 40000, p005: 0, p995: 200000 },
  classFrequency: [0.97, 0.015, 0.015],
  classNames: ['background', 'anterior', 'posterior'],
};
/** Abdominal CT: 512 x 512 slices, anisotropic, Hounsfield units. */
export const ct: DatasetFingerprint = {
  cases: 40,
  is2d: false,
  medianShape: [512, 512, 90],
  maxShape: [512, 512, 200],
  medianSpacing: [0.7, 0.7, 5],
  intensity: { min: -1024, max: 3071, mean: -400, std: 500, p005: -1024, p995: 1200 },
  classFrequency: [0.98, 0.02],
  classNames: ['background', 'liver'],
};
/** 1024 x 1024 2D micrographs. */
export const micrographs: DatasetFingerprint = {
  cases: 30,
  is2d: true,
  medianShape: [1024, 1024, 1],
  maxShape: [1024, 1024, 1],
  medianSpacing: [1, 1, 1],
  intensity: { min: 0, max: 255, mean: 90, std: 40, p005: 3, p995: 250 },
  classFrequency: [0.9, 0.1],
  classNames: ['background', 'cell'],
};
