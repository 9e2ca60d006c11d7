/**
 * The gRPC options of the inference service (used by server.ts) and the health of this
 * process.
 */
import { ServiceHealth, grpcServerOptions, type ServerSecurity } from '../../../libs/rpc/src/index.js';

/** Health of the inference process: NOT_SERVING until the registry gateway and cache exist. */
export const segmentationHealth = new ServiceHealth(['segmentation']);

/**
 * Nest gRPC options of SegmentationService (health and reflection included) with the service's
 * credentials and tokens; server.ts sets the url.
 */
export const inferenceGrpcOptions = (security: ServerSecurity) =>
  grpcServerOptions({
    services: ['segmentation'],
    health: segmentationHealth,
    url: '127.0.0.1:50054',
    security,
  });
