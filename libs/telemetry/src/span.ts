/**
 * Application spans (search and training epochs, inference stages, jobs). They use the
 * OpenTelemetry API only: without a started SDK they are no-ops that still carry the
 * parent's trace context.
 */
import { SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('nasunet');

/** Largest string attribute kept, in characters; longer ones are dropped. */
export const MAX_ATTRIBUTE_CHARS = 256;

/** Attribute values a span may carry: scalars only. */
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/**
 * Keeps only scalar attributes (numbers, booleans, short strings): arrays and long strings
 * are dropped so that pixel data can never end up in a span. Callers must not pass patient
 * identifiers at all (use job ids, case indices, model versions).
 */
export function safeAttributes(attrs: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string' && v.length <= MAX_ATTRIBUTE_CHARS) out[k] = v;
  }
  return out;
}

/** Options of {@link withSpan}. */
export interface WithSpanOptions {
  /**
   * Context to start the span in; default the active one (e.g. the gRPC server span). Pass
   * `ROOT_CONTEXT` for a new trace, or a context extracted from a stored carrier to
   * continue an earlier trace.
   */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span named `name`, ending it when `fn` settles; an
 * exception is recorded (name and message only), sets the span status to ERROR and is
 * rethrown.
 * @example await withSpan('search.epoch', { 'nasunet.epoch': 3 }, () => runEpoch());
 */
export async function withSpan<T>(
  name: string,
  attrs: SpanAttributes,
  fn: (span: Span) => Promise<T> | T,
  options: WithSpanOptions = {},
): Promise<T> {
  const run = async (span: Span): Promise<T> => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e instanceof Error ? { name: e.name, message: e.message } : String(e));
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
      throw e;
    } finally {
      span.end();
    }
  };
  const attributes = safeAttributes(attrs);
  return options.parent
    ? tracer.startActiveSpan(name, { attributes }, options.parent, run)
    : tracer.startActiveSpan(name, { attributes }, run);
}

/**
 * Records a finished span `name` in the active trace that lasted `seconds` up to now: for
 * work observed through events rather than wrapped in a call (e.g. an engine epoch).
 * @param seconds duration in seconds; negative values count as 0.
 */
export function recordSpan(name: string, attrs: SpanAttributes, seconds: number): void {
  const end = Date.now();
  const span = tracer.startSpan(name, {
    attributes: safeAttributes(attrs),
    startTime: end - Math.max(0, seconds) * 1000,
  });
  span.end(end);
}
