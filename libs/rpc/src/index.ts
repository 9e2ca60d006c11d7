/**
 * Public API of libs/rpc: generated types of the `nasunet.v1` protos, loader options and
 * limits, the error -> status mapping, server options with health and reflection, typed
 * clients, chunk stream helpers and the messages of upload streams.
 */
export * from './gen/index.js';
export * from './options.js';
export * from './errors.js';
export * from './server.js';
export * from './clients.js';
export * from './chunks.js';
export * from './uploads.js';
export * from './ports.js';
