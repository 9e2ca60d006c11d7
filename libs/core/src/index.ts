export * from './errors.js';
export * from './digest.js';
export * from './suite-env.js';
