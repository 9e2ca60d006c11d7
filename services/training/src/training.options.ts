/**
 * The gRPC options of the training service (used by server.ts) and the health of this
 * process.
 */
import { ServiceHealth, grpcServerOptions, type ServerSecurity } from '../../../libs/rpc/src/index.js';

/** Health of the training process: NOT_SERVING until the job store is open and the worker runs. */
export const trainingHealth = new ServiceHealth(['training']);

/**
 * Nest gRPC options of TrainingService (health and reflection included) with the service's
 * credentials and tokens; server.ts sets the url.
 */
export const trainingGrpcOptions = (security: ServerSecurity) =>
  grpcServerOptions({
    services: ['training'],
    health: trainingHealth,
    url: '127.0.0.1:50053',
    security,
  });
