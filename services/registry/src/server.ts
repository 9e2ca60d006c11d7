/**
 * The registry service: validates the environment, opens the store under
 * NASUNET_DATA_DIR/registry, starts ModelRegistryService on NASUNET_HOST:NASUNET_PORT
 * (default 127.0.0.1:50051). Loaded by main.ts once telemetry runs.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { serveHealthPort } from '../../common/src/bootstrap.js';
import { loadRegistryConfig } from './config.js';
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
  new Logger('registry').log(
    `ModelRegistryService listening on ${config.NASUNET_HOST}:${config.NASUNET_PORT}, data under ${config.NASUNET_DATA_DIR}/registry`,
  );
}
