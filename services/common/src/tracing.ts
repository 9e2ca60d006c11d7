/**
 * OpenTelemetry for the job and inference services: a NodeSDK configured by the standard
 * OTEL_* variables, plus W3C trace-context propagation through gRPC metadata that does not
 * depend on module-loader instrumentation:
 * - inbound: {@link TraceContextInterceptor} continues the caller's trace (server span per RPC);
 * - outbound: {@link outboundMetadata} carries the active context to the next service;
 * - jobs: {@link captureTraceParent} stores the trace with the job, {@link inJobTrace}
 *   continues it when a worker runs the job, so client -> search -> registry is one trace.
 *
 * Exporters: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER say so (standard
 * variables); NASUNET_TRACE_FILE=<path> appends finished spans as JSON lines (local runs
 * and tests). No pixel data or patient identifiers are ever put in attributes.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { Observable } from 'rxjs';

const tracer = trace.getTracer('nasunet-services');

type ReadableSpan = Parameters<tracing.SpanExporter['export']>[0][number];

/** Appends finished spans to a file, one JSON object per line. */
class JsonLinesSpanExporter implements tracing.SpanExporter {
  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (r: { code: number }) => void): void {
    const lines = spans.map((s) =>
      JSON.stringify({
        service: process.env['OTEL_SERVICE_NAME'] ?? '',
        name: s.name,
        kind: s.kind,
        traceId: s.spanContext().traceId,
        spanId: s.spanContext().spanId,
        parentSpanId: s.parentSpanContext?.spanId ?? '',
        attributes: s.attributes,
        status: s.status.code,
      }),
    );
    try {
      appendFileSync(this.file, lines.map((l) => `${l}\n`).join(''));
      done({ code: 0 });
    } catch {
      done({ code: 1 });
    }
  }

  async shutdown(): Promise<void> {}
}

let sdk: NodeSDK | undefined;

/**
 * Starts the SDK for `serviceName` unless tracing is switched off (OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none without NASUNET_TRACE_FILE). Safe to call once per process.
 */
export function startTracing(serviceName: string): void {
  if (sdk || process.env['OTEL_SDK_DISABLED'] === 'true') return;
  const file = process.env['NASUNET_TRACE_FILE'];
  const otlp =
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] || (process.env['OTEL_TRACES_EXPORTER'] ?? 'none') !== 'none';
  // Without a file or OTLP exporter the SDK still runs (context and propagation), exporting nothing.
  if (!otlp) process.env['OTEL_TRACES_EXPORTER'] = 'none';
  process.env['OTEL_SERVICE_NAME'] ??= serviceName;
  const spanProcessors = file
    ? [new tracing.SimpleSpanProcessor(new JsonLinesSpanExporter(file))]
    : undefined;
  sdk = new NodeSDK({ serviceName, ...(spanProcessors ? { spanProcessors } : {}), instrumentations: [] });
  sdk.start();
}

/** Flushes and stops the SDK (call on shutdown). */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const v = md.get(key);
    return v.length === 0 ? undefined : v.map(String);
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (md, key, value) => md.set(key, value),
};

/** gRPC metadata carrying the active trace context to the next service. */
export function outboundMetadata(ctx: Context = context.active()): Metadata {
  const md = new Metadata();
  propagation.inject(ctx, md, metadataSetter);
  return md;
}

/** The active trace context as a `traceparent` carrier, to store with a job. */
export function captureTraceParent(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `fn` in a span `name` that continues the trace stored with a job. */
export function inJobTrace<T>(
  carrier: Record<string, string> | undefined,
  name: string,
  attributes: Record<string, string | number>,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent, async (span) => {
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

/**
 * Continues the caller's trace for every gRPC handler: extracts `traceparent` from the
 * request metadata and runs the handler (and everything it awaits) in a SERVER span named
 * `<Controller>/<method>`.
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const md = ctx.switchToRpc().getContext<unknown>();
    const parent =
      md instanceof Metadata ? propagation.extract(ROOT_CONTEXT, md, metadataGetter) : ROOT_CONTEXT;
    const name = `${ctx.getClass().name}/${ctx.getHandler().name}`;
    const span = tracer.startSpan(
      name,
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc' } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    return new Observable((subscriber) => {
      const sub = context.with(active, () =>
        next.handle().subscribe({
          next: (v) => subscriber.next(v),
          error: (err: unknown) => {
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: err instanceof Error ? err.name : 'error',
            });
            span.end();
            subscriber.error(err);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      );
      return () => sub.unsubscribe();
    });
  }
}
