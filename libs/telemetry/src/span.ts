/** Application spans (search and training epochs, inference stages). */
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('nasunet');

/** Largest string attribute kept, in characters; longer ones are dropped. */
export const MAX_ATTRIBUTE_CHARS = 256;

/**
 * Keeps only scalar attributes (numbers, booleans, short strings): arrays and long strings
 * are dropped so that pixel data can never end up in a span. Callers must not pass patient
 * identifiers at all (use job ids, case indices, model versions).
 */
export function safeAttributes(attrs: Record<string, string | number | boolean | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string' && v.length <= MAX_ATTRIBUTE_CHARS) out[k] = v;
  }
  return out;
}

/**
 * Runs `fn` inside a new active span named `name` (child of the current span, e.g. the
 * gRPC server span), ending it when `fn` settles; an exception is recorded, sets the span
 * status to ERROR and is rethrown.
 * @example await withSpan('search.epoch', { 'nasunet.epoch': 3 }, () => runEpoch());
 */
export async function withSpan<T>(
  name: string,
  attrs: Record<string, string | number | boolean | undefined>,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes: safeAttributes(attrs) }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e instanceof Error ? { name: e.name, message: e.message } : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
      throw e;
    } finally {
      span.end();
    }
  });
}
