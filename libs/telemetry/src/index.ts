/**
 * Public API of libs/telemetry, the one OpenTelemetry set-up of the suite:
 * - `startTelemetry(serviceName)`: NodeSDK + gRPC instrumentation, exporters from OTEL_*
 *   and `NASUNET_TRACE_FILE`; every service entry point and the CLI call it first and
 *   import the rest of the program afterwards (see telemetry.ts);
 * - `withSpan`, `recordSpan`, `safeAttributes`: application spans (epochs, jobs, inference
 *   stages) with scalar attributes only;
 * - `JsonLinesSpanExporter`, `SpanLine`: the span file format;
 * - `startOtlpJsonReceiver`: an in-process OTLP/HTTP JSON receiver for tests.
 */
export * from './telemetry.js';
export * from './span.js';
export * from './json-lines-exporter.js';
export * from './loader-hook.js';
export * from './otlp-receiver.js';
