/**
 * The training service: validates the environment, selects the compute backend, starts
 * TrainingService on NASUNET_HOST:NASUNET_PORT (default 127.0.0.1:50053). Loaded by main.ts
 * once telemetry runs.
 */
import { initBackend } from '../../../libs/tensor/src/index.js';
import { startGrpcService } from '../../common/src/bootstrap.js';
import { serverSecurity } from '../../common/src/security.js';
import { loadTrainingConfig } from './config.js';
import { TrainingModule } from './training.module.js';
import { trainingHealth, trainingGrpcOptions } from './training.options.js';

/** Starts the service; resolves once it listens. */
export async function start(): Promise<void> {
  const config = loadTrainingConfig();
  const security = serverSecurity(config);
  await initBackend({ backend: config.NASUNET_BACKEND });
  await startGrpcService({
    name: 'training',
    module: TrainingModule.forRoot(config),
    options: trainingGrpcOptions(security),
    url: `${config.NASUNET_HOST}:${config.NASUNET_PORT}`,
    logLevel: config.LOG_LEVEL,
    health: trainingHealth,
    healthPort: config.NASUNET_HEALTH_PORT,
  });
}
