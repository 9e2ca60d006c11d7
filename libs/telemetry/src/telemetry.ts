/**
 * OpenTelemetry start-up, the same for every service and the CLI: one NodeSDK with the gRPC
 * instrumentation, exporters chosen by the standard OTEL_* variables plus an optional
 * JSON-lines file.
 *
 * Exporters (all that apply are used together):
 * - OTLP, console or zipkin as `OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT`,
 *   `OTEL_EXPORTER_OTLP_PROTOCOL` (grpc, http/protobuf, http/json) and the other OTEL_*
 *   variables say, with two defaults on top of the SDK's rules: an endpoint without a
 *   protocol means OTLP/gRPC, and no endpoint and no `OTEL_TRACES_EXPORTER` means no OTLP
 *   export. Metrics and logs exporters are off unless `OTEL_METRICS_EXPORTER` /
 *   `OTEL_LOGS_EXPORTER` say otherwise.
 * - `NASUNET_TRACE_FILE=<path>`: finished spans are appended to that file as JSON lines
 *   (see {@link JsonLinesSpanExporter}).
 * `OTEL_SERVICE_NAME` overrides the service name; `OTEL_SDK_DISABLED=true` turns it all off.
 * Without any exporter the SDK still runs for context propagation, so a service in the
 * middle of a call chain passes the trace on even when it exports nothing; the gRPC
 * instrumentation and its loader hook (which slows every later import down) are then left
 * out, as their spans would not be recorded anyway.
 *
 * How one trace crosses processes: `@grpc/grpc-js` is instrumented (client and server spans,
 * `traceparent` in the call metadata) only when it is loaded after `startTelemetry`, which
 * first registers an ESM loader hook ({@link registerGrpcLoaderHook}); without that hook
 * ESM imports of grpc-js are not instrumented at all. So an entry point calls
 * `startTelemetry` and then imports the rest of the program dynamically:
 * ```ts
 * import { startTelemetry } from '../../../libs/telemetry/src/index.js';
 * startTelemetry('nasunet-search');
 * const { start } = await import('./server.js');
 * ```
 * Code that loads grpc-js before telemetry starts (tests that host a service in-process)
 * gets no gRPC spans; the services therefore also propagate the W3C trace context
 * themselves (a Nest interceptor for inbound calls, explicit metadata on their calls to
 * the registry, the context stored with each job), which keeps one trace across client ->
 * search -> registry whether or not the instrumentation took effect.
 */
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
// The SDK's own OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_* rules (not re-exported by the
// package index): used so that the file exporter is added to them, not put in their place.
import { getSpanProcessorsFromEnv } from '@opentelemetry/sdk-node/build/src/utils.js';
import { JsonLinesSpanExporter } from './json-lines-exporter.js';
import { registerGrpcLoaderHook } from './loader-hook.js';
import { PrivateSpanProcessor } from './private-spans.js';

/** A started telemetry pipeline. */
export interface TelemetryHandle {
  /** The service name spans are reported under. */
  readonly serviceName: string;
  /** Flushes pending spans and stops the SDK (idempotent). */
  shutdown(): Promise<void>;
}

let current: TelemetryHandle | undefined;

function applyDefaults(env: NodeJS.ProcessEnv): void {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint && !env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL && !env.OTEL_EXPORTER_OTLP_PROTOCOL)
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = 'grpc';
  if (!endpoint && !env.OTEL_TRACES_EXPORTER) env.OTEL_TRACES_EXPORTER = 'none';
  env.OTEL_METRICS_EXPORTER ||= 'none';
  env.OTEL_LOGS_EXPORTER ||= 'none';
}

/** The span processors the environment asks for (see the module documentation). */
function spanProcessorsFromEnv(env: NodeJS.ProcessEnv): tracing.SpanProcessor[] {
  const processors = env.OTEL_TRACES_EXPORTER?.trim() === 'none' ? [] : getSpanProcessorsFromEnv(undefined);
  const file = env.NASUNET_TRACE_FILE;
  if (file) processors.push(new tracing.SimpleSpanProcessor(new JsonLinesSpanExporter(file)));
  // No exporter sees the messages built from a caller's input (see private-spans.ts).
  return processors.map((p) => new PrivateSpanProcessor(p));
}

/**
 * Starts tracing for this process, once: later calls return the first handle. Call it
 * before anything imports `@grpc/grpc-js` (see the module documentation). Pending spans are
 * flushed when the event loop empties (`beforeExit`); call `shutdown()` before an explicit
 * `process.exit`.
 * @param serviceName reported as `service.name` unless `OTEL_SERVICE_NAME` is set,
 *   e.g. "nasunet-search" or "nasunet-cli".
 */
export function startTelemetry(serviceName: string): TelemetryHandle {
  if (current) return current;
  const env = process.env;
  const name = env.OTEL_SERVICE_NAME || serviceName;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') {
    current = { serviceName: name, shutdown: async () => {} };
    return current;
  }
  applyDefaults(env);
  const spanProcessors = spanProcessorsFromEnv(env);
  const exporting = spanProcessors.length > 0;
  if (exporting) registerGrpcLoaderHook();
  const sdk = new NodeSDK({
    serviceName: name,
    spanProcessors,
    instrumentations: exporting ? [new GrpcInstrumentation()] : [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    serviceName: name,
    shutdown: () => (stopped ??= sdk.shutdown().catch(() => undefined)),
  };
  process.once('beforeExit', () => void handle.shutdown());
  current = handle;
  return handle;
}
