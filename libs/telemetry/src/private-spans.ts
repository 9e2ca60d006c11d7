/**
 * What leaves the process in a span never carries what a client typed: error messages
 * (which echo names and paths a caller sent, e.g. a dataset named after a patient) are
 * dropped from gRPC attributes, span statuses and exception events, and every string
 * attribute is cut to {@link MAX_ATTRIBUTE_CHARS}. The error's kind (status code, error
 * name) stays, so failures remain visible.
 */
import type { Context } from '@opentelemetry/api';
import type { tracing } from '@opentelemetry/sdk-node';
import { MAX_ATTRIBUTE_CHARS } from './span.js';

type ReadableSpan = tracing.ReadableSpan;

/** Attributes that hold a message built from the caller's input. */
const MESSAGE_ATTRIBUTES = new Set(['grpc.error_message', 'exception.message', 'exception.stacktrace']);

function privateAttributes<A extends Record<string, unknown>>(attrs: A): A {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (MESSAGE_ATTRIBUTES.has(k)) continue;
    out[k] = typeof v === 'string' && v.length > MAX_ATTRIBUTE_CHARS ? v.slice(0, MAX_ATTRIBUTE_CHARS) : v;
  }
  return out as A;
}

/** `span` as exporters should see it (a view: the span itself is not changed). */
export function privateView(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    attributes: { value: privateAttributes(span.attributes) },
    events: {
      value: span.events.map((e) => ({
        ...e,
        ...(e.attributes ? { attributes: privateAttributes(e.attributes) } : {}),
      })),
    },
    status: { value: { code: span.status.code } },
  }) as ReadableSpan;
}

/** Wraps a span processor so that its exporter only sees {@link privateView}s. */
export class PrivateSpanProcessor implements tracing.SpanProcessor {
  constructor(private readonly inner: tracing.SpanProcessor) {}
  onStart(span: tracing.Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    this.inner.onEnd(privateView(span));
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
