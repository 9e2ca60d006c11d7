/**
 * Inference service entry point: telemetry first, then the service (./server.js), so that the
 * gRPC instrumentation is in place before gRPC loads.
 */
import { runService } from '../../common/src/entry.js';

runService('inference', () => import('./server.js'));
