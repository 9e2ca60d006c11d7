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
