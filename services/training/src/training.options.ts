/**
 * The one options const of the training service (used by main.ts and the tests) and the
 * health of this process.
 */
import { ServiceHealth, grpcServerOptions } from '../../../libs/rpc/src/index.js';

/** Health of the training process: NOT_SERVING until the job store is open and the worker runs. */
export const trainingHealth = new ServiceHealth(['training']);

/** Nest gRPC options of TrainingService (health and reflection included); main.ts sets the url. */
export const trainingGrpcOptions = grpcServerOptions({
  services: ['training'],
  health: trainingHealth,
  url: '127.0.0.1:50053',
});
