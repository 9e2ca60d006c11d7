/**
 * The ESM loader hook that lets the gRPC instrumentation patch `@grpc/grpc-js` when it is
 * loaded with `import` (as in this repository, which is ESM throughout).
 */
import { register } from 'node:module';

let registered = false;

/**
 * Registers @opentelemetry/instrumentation's loader hook (import-in-the-middle), limited to
 * `@grpc/grpc-js`, once per process. It only affects modules imported after the call: a
 * process must call this (through `startTelemetry`) before anything imports gRPC code.
 */
export function registerGrpcLoaderHook(): void {
  if (registered) return;
  registered = true;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: ['@grpc/grpc-js'] },
  });
}
