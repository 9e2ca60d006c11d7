#!/usr/bin/env node
/**
 * Entry point of the `nasunet` command. When OTEL_* variables ask for trace export
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or
 * `OTEL_TRACES_EXPORTER` other than `none`) or `NASUNET_TRACE_FILE` names a span file, tracing starts as service `nasunet-cli`
 * before the gRPC library loads, so that a CLI -> search -> registry call is one trace.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Whether the environment asks for trace export (OTEL_* variables or NASUNET_TRACE_FILE). */
export function telemetryWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NASUNET_TRACE_FILE']) return true;
  const exporter = env['OTEL_TRACES_EXPORTER'];
  if (exporter !== undefined && exporter !== '' && exporter !== 'none') return true;
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);
}

const isEntry = ((): boolean => {
  try {
    return (
      process.argv[1] !== undefined &&
      realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
})();

if (isEntry) {
  let shutdown: (() => Promise<void>) | undefined;
  if (telemetryWanted()) {
    // The SDK (and its gRPC instrumentation) must start before @grpc/grpc-js is loaded
    // (by ./program.js).
    const { startTelemetry } = await import('../../telemetry/src/index.js');
    const handle = startTelemetry('nasunet-cli');
    shutdown = () => handle.shutdown();
  }
  const { main } = await import('./program.js');
  const code = await main(process.argv);
  // Flush pending spans, then let stdio drain before exiting with the code.
  await shutdown?.().catch(() => undefined);
  process.exitCode = code;
}
