/**
 * Registry service entry point. Start with telemetry loaded first:
 * `node --import ./dist/libs/telemetry/src/register.js dist/services/registry/src/main.js`.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadRegistryConfig } from './config.js';
import { createRegistryApp } from './registry.options.js';

const logger = new Logger('registry');
const config = loadRegistryConfig();
const { app } = await createRegistryApp(config);
app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
await app.listen();
logger.log(
  `ModelRegistryService listening on ${config.NASUNET_HOST}:${config.NASUNET_PORT}, data under ${config.NASUNET_DATA_DIR}/registry`,
);
