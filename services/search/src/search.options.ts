/**
 * The one options const of the search service (used by main.ts and the tests) and the
 * health of this process.
 */
import { ServiceHealth, grpcServerOptions } from '../../../libs/rpc/src/index.js';

/** Health of the search process: NOT_SERVING until the job store is open and the worker runs. */
export const searchHealth = new ServiceHealth(['search']);

/** Nest gRPC options of SearchService (health and reflection included); main.ts sets the url. */
export const searchGrpcOptions = grpcServerOptions({
  services: ['search'],
  health: searchHealth,
  url: '127.0.0.1:50052',
});
