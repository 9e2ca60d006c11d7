/**
 * Preload module: `node --import ./dist/libs/telemetry/src/register.js app.js`.
 * Installs the ESM loader hook of @opentelemetry/instrumentation (import-in-the-middle)
 * and then starts the SDK, both before the application (and so @grpc/grpc-js) loads.
 * The service name comes from `OTEL_SERVICE_NAME` (default "nasunet"). Pending spans are
 * flushed when the process gets SIGTERM or SIGINT or exits normally.
 */
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const { startTelemetry } = await import('./telemetry.js');
const handle = startTelemetry(process.env.OTEL_SERVICE_NAME || 'nasunet');
process.once('beforeExit', () => void handle.shutdown());
