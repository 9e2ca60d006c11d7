/**
 * The inference service: validates the environment, selects the compute backend, starts
 * SegmentationService on NASUNET_HOST:NASUNET_PORT (default 127.0.0.1:50054). Loaded by main.ts
 * once telemetry runs.
 */
import { initBackend } from '../../../libs/tensor/src/index.js';
import { startGrpcService } from '../../common/src/bootstrap.js';
import { serverSecurity } from '../../common/src/security.js';
import { loadInferenceConfig } from './config.js';
import { InferenceModule } from './inference.module.js';
import { segmentationHealth, inferenceGrpcOptions } from './inference.options.js';

/** Starts the service; resolves once it listens. */
export async function start(): Promise<void> {
  const config = loadInferenceConfig();
  const security = serverSecurity(config);
  await initBackend({ backend: config.NASUNET_BACKEND });
  await startGrpcService({
    name: 'inference',
    module: InferenceModule.forRoot(config),
    options: inferenceGrpcOptions(security),
    url: `${config.NASUNET_HOST}:${config.NASUNET_PORT}`,
    logLevel: config.LOG_LEVEL,
    health: segmentationHealth,
    healthPort: config.NASUNET_HEALTH_PORT,
  });
}
