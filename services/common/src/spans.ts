/**
 * Spans for stages of a request (decode, preprocess, model, encode) and of jobs. Uses the
 * OpenTelemetry API only: without a registered SDK the spans are no-ops. Attributes must
 * never carry pixel data or patient identifiers.
 */
import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

const tracer = trace.getTracer('nasunet-services');

/** Runs `fn` inside an active span named `name`; records failures on the span. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: () => T | Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Records a finished span `name` that lasted `seconds` up to now (e.g. an epoch), in the active trace. */
export function recordSpan(name: string, attributes: Attributes, seconds: number): void {
  const end = Date.now();
  const span = tracer.startSpan(name, { attributes, startTime: end - Math.max(0, seconds) * 1000 });
  span.end(end);
}
