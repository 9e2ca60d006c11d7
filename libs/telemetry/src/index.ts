/**
 * Public API of libs/telemetry: `startTelemetry` (NodeSDK + gRPC instrumentation, OTEL_*
 * configuration) and `withSpan` for application spans. Processes load
 * `dist/libs/telemetry/src/register.js` with `node --import` so tracing starts first.
 */
export * from './telemetry.js';
export * from './span.js';
export * from './otlp-receiver.js';
