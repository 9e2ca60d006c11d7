/**
 * Public API of libs/registry-store: the asynchronous `RegistryStore` interface, its
 * implementation on SQLite or PostgreSQL with one list of migrations, the content-addressed
 * filesystem artifact store, and `ModelRegistry`, which validates and combines them.
 */
export * from './types.js';
export * from './names.js';
export * from './artifact-store.js';
export * from './blob-keeper.js';
export * from './manifest.js';
export * from './migrations.js';
export * from './sql-database.js';
export * from './sql-store.js';
export * from './sqlite-database.js';
export * from './postgres-database.js';
export * from './registry.js';
export * from './dataset-roots.js';
export * from './page-bytes.js';
