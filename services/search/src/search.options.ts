/**
 * The gRPC options of the search service (used by server.ts) and the health of this
 * process.
 */
import { ServiceHealth, grpcServerOptions, type ServerSecurity } from '../../../libs/rpc/src/index.js';

/** Health of the search process: NOT_SERVING until the job store is open and the worker runs. */
export const searchHealth = new ServiceHealth(['search']);

/**
 * Nest gRPC options of SearchService (health and reflection included) with the service's
 * credentials and tokens; server.ts sets the url.
 */
export const searchGrpcOptions = (security: ServerSecurity) =>
  grpcServerOptions({
    services: ['search'],
    health: searchHealth,
    url: '127.0.0.1:50052',
    security,
  });
