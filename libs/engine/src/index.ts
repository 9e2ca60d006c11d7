/**
 * Engine: losses, metrics, optimisers, checkpoints, events and the search / training /
 * evaluation loops of NAS-Unet. Tensors are NHWC; see each module for details.
 */
export * from './losses.js';
export * from './metrics.js';
export * from './report.js';
export * from './optim.js';
export * from './rng.js';
export * from './checkpoint.js';
export * from './events.js';
export * from './slices.js';
export * from './sampler.js';
export * from './auto-config.js';
export * from './search-plan.js';
export * from './comparison.js';
export * from './forward.js';
export * from './predict.js';
export * from './sliding-window.js';
export * from './segment-volume.js';
export * from './evaluate.js';
export * from './mirror.js';
export * from './postprocess.js';
export * from './inference-plan.js';
export * from './search.js';
export * from './train.js';
export * from './state-io.js';
export * from './data-parallel.js';
