/**
 * The registry service: validates the environment, opens the store (SQLite under
 * NASUNET_DATA_DIR/registry, or PostgreSQL) and the artifacts there, starts ModelRegistryService on NASUNET_HOST:NASUNET_PORT
 * (default 127.0.0.1:50051). Loaded by main.ts once telemetry runs.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { serveHealthPort } from '../../common/src/bootstrap.js';
import { describeDatabaseUrl, loadRegistryConfig } from './config.js';
import { createRegistryApp } from './registry.options.js';

/** Starts the service; resolves once it listens. */
export async function start(): Promise<void> {
  const config = loadRegistryConfig();
  const { app, health } = await createRegistryApp(config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen();
  await serveHealthPort(
    app,
    health,
    `${config.NASUNET_HOST}:${config.NASUNET_PORT}`,
    config.NASUNET_HEALTH_PORT,
  );
  const metadata =
    config.NASUNET_STORE === 'postgres'
      ? `metadata in PostgreSQL at ${describeDatabaseUrl(config.NASUNET_DATABASE_URL!)}, artifacts`
      : 'data';
  new Logger('registry').log(
    `ModelRegistryService listening on ${config.NASUNET_HOST}:${config.NASUNET_PORT}, ${metadata} under ${config.NASUNET_DATA_DIR}/registry`,
  );
}
