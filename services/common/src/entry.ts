/**
 * Entry of a service process, the same for every service: telemetry first (libs/telemetry
 * must start before gRPC code is imported), then the service module is imported and run.
 */
import { startTelemetry } from '../../../libs/telemetry/src/index.js';

/** A service module: `start()` resolves once the service listens. */
export interface ServiceModule {
  start(): Promise<unknown>;
}

/**
 * Starts telemetry as `nasunet-<name>`, then imports the service with `load` and starts it;
 * on failure prints one clear line and exits with status 1.
 * @example runService('search', () => import('./server.js'));
 */
export function runService(name: string, load: () => Promise<ServiceModule>): void {
  const run = async (): Promise<void> => {
    const telemetry = startTelemetry(`nasunet-${name}`);
    try {
      await (await load()).start();
    } catch (err) {
      await telemetry.shutdown();
      throw err;
    }
  };
  run().catch((err: unknown) => {
    process.stderr.write(
      `nasunet-${name}: start-up failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}
