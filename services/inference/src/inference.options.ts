/**
 * The one options const of the inference service (used by main.ts and the tests) and the
 * health of this process.
 */
import { ServiceHealth, grpcServerOptions } from '../../../libs/rpc/src/index.js';

/** Health of the inference process: NOT_SERVING until the registry gateway and cache exist. */
export const segmentationHealth = new ServiceHealth(['segmentation']);

/** Nest gRPC options of SegmentationService (health and reflection included); main.ts sets the url. */
export const inferenceGrpcOptions = grpcServerOptions({
  services: ['segmentation'],
  health: segmentationHealth,
  url: '127.0.0.1:50054',
});
