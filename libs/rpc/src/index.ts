/**
 * Public API of libs/rpc: generated types of the `nasunet.v1` protos, loader options and
 * limits, the error -> status mapping, server options with health and reflection, typed
 * clients, chunk stream helpers, the messages of upload streams, access control (tokens and
 * scopes) and TLS.
 */
export * from './gen/index.js';
export * from './options.js';
export * from './errors.js';
export * from './server.js';
export * from './clients.js';
export * from './chunks.js';
export * from './uploads.js';
export * from './ports.js';
export * from './access.js';
export * from './tls.js';
