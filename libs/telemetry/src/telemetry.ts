/**
 * OpenTelemetry for every service and the CLI: NodeSDK with the gRPC instrumentation,
 * configured by the standard OTEL_* variables.
 *
 * Defaults added on top of the SDK's own rules:
 * - `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) set and no protocol chosen:
 *   traces go over OTLP/gRPC (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc`).
 * - No endpoint and no `OTEL_TRACES_EXPORTER`: nothing is exported (`none`).
 * - Metrics and logs exporters are off unless `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` say otherwise.
 * `OTEL_TRACES_EXPORTER` (otlp, console, zipkin, none) and `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (grpc, http/protobuf, http/json) are honoured as the SDK documents them.
 *
 * The SDK must start before `@grpc/grpc-js` is loaded; start processes with
 * `node --import <repo>/dist/libs/telemetry/src/register.js <main.js>` (see register.ts).
 */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';

/** A started telemetry pipeline. */
export interface TelemetryHandle {
  /** The service name spans are reported under. */
  readonly serviceName: string;
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}

let current: TelemetryHandle | undefined;

function applyDefaults(env: NodeJS.ProcessEnv): void {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint && !env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL && !env.OTEL_EXPORTER_OTLP_PROTOCOL)
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = 'grpc';
  if (!endpoint && !env.OTEL_TRACES_EXPORTER) env.OTEL_TRACES_EXPORTER = 'none';
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
}

/**
 * Starts tracing for this process (once; later calls return the first handle).
 * @param serviceName reported as `service.name` unless `OTEL_SERVICE_NAME` is set.
 */
export function startTelemetry(serviceName: string): TelemetryHandle {
  if (current) return current;
  applyDefaults(process.env);
  const name = process.env.OTEL_SERVICE_NAME || serviceName;
  const sdk = new NodeSDK({ serviceName: name, instrumentations: [new GrpcInstrumentation()] });
  sdk.start();
  let stopped: Promise<void> | undefined;
  current = {
    serviceName: name,
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
  return current;
}

/** The handle of {@link startTelemetry}, if it ran in this process. */
export function telemetryHandle(): TelemetryHandle | undefined {
  return current;
}
