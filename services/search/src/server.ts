/**
 * The search service: validates the environment, selects the compute backend, starts
 * SearchService on NASUNET_HOST:NASUNET_PORT (default 127.0.0.1:50052). Loaded by main.ts
 * once telemetry runs.
 */
import { initBackend } from '../../../libs/tensor/src/index.js';
import { startGrpcService } from '../../common/src/bootstrap.js';
import { serverSecurity } from '../../common/src/security.js';
import { loadSearchConfig } from './config.js';
import { SearchModule } from './search.module.js';
import { searchHealth, searchGrpcOptions } from './search.options.js';

/** Starts the service; resolves once it listens. */
export async function start(): Promise<void> {
  const config = loadSearchConfig();
  const security = serverSecurity(config);
  await initBackend({ backend: config.NASUNET_BACKEND });
  await startGrpcService({
    name: 'search',
    module: SearchModule.forRoot(config),
    options: searchGrpcOptions(security),
    url: `${config.NASUNET_HOST}:${config.NASUNET_PORT}`,
    logLevel: config.LOG_LEVEL,
    health: searchHealth,
    healthPort: config.NASUNET_HEALTH_PORT,
  });
}
