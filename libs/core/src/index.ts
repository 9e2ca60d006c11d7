export * from './errors.js';
export * from './digest.js';
export * from './suite-env.js';
export * from './server-paths.js';
export * from './case-ids.js';
export * from './worker-link.js';
export * from './median.js';
