/**
 * One span over a command run through the services, so that all of its gRPC calls (and
 * what the services do for them) form one trace. A no-op unless telemetry was started.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('nasunet-cli');

/** Runs `fn` inside an active span `name`; records a failure and rethrows it. */
export function inCommandSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
      throw e;
    } finally {
      span.end();
    }
  });
}
