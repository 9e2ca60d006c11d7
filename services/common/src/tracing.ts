/**
 * Trace-context glue between Nest's gRPC transport and libs/telemetry, which starts the SDK
 * and owns the span helpers. The W3C context is propagated here by hand so that one trace
 * holds across processes even where the gRPC instrumentation did not take effect:
 * - inbound: {@link TraceContextInterceptor} runs every handler in a span that continues
 *   the caller's trace;
 * - outbound: {@link outboundMetadata} carries the active context to the next service;
 * - jobs: {@link captureTraceParent} stores the trace with a job and {@link inJobTrace}
 *   continues it when a worker runs the job, so client -> search -> registry is one trace.
 */
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
import { Observable } from 'rxjs';
import { withSpan, type SpanAttributes } from '../../../libs/telemetry/src/index.js';

const tracer = trace.getTracer('nasunet-services');

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

/**
 * Runs `fn` in a span `name` that continues the trace stored with a job (a new trace when
 * there is none).
 */
export function inJobTrace<T>(
  carrier: Record<string, string> | undefined,
  name: string,
  attributes: SpanAttributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return withSpan(name, attributes, fn, { parent });
}

/**
 * Runs every gRPC handler (and everything it awaits) in a span named
 * `<Controller>/<method>`. Under the gRPC instrumentation's server span when there is one
 * (an INTERNAL child); otherwise it continues the `traceparent` of the request metadata as
 * a SERVER span.
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const active = context.active();
    const instrumented = trace.getSpan(active)?.isRecording() === true;
    const md = ctx.switchToRpc().getContext<unknown>();
    const parent = instrumented
      ? active
      : md instanceof Metadata
        ? propagation.extract(ROOT_CONTEXT, md, metadataGetter)
        : ROOT_CONTEXT;
    const span = tracer.startSpan(
      `${ctx.getClass().name}/${ctx.getHandler().name}`,
      {
        kind: instrumented ? SpanKind.INTERNAL : SpanKind.SERVER,
        attributes: { 'rpc.system': 'grpc' },
      },
      parent,
    );
    const inSpan = trace.setSpan(parent, span);
    let ended = false;
    const end = (): void => {
      if (!ended) span.end();
      ended = true;
    };
    return new Observable((subscriber) => {
      const sub = context.with(inSpan, () =>
        next.handle().subscribe({
          next: (v) => subscriber.next(v),
          error: (err: unknown) => {
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: err instanceof Error ? err.name : 'error',
            });
            end();
            subscriber.error(err);
          },
          complete: () => {
            end();
            subscriber.complete();
          },
        }),
      );
      // A client that goes away unsubscribes: the span still ends.
      return () => {
        sub.unsubscribe();
        end();
      };
    });
  }
}
