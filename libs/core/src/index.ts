export * from './errors.js';
export * from './suite-env.js';
