/**
 * A span exporter that appends finished spans to a local file, one JSON object per line
 * (selected by `NASUNET_TRACE_FILE`; for local runs and tests without a collector).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { core, tracing } from '@opentelemetry/sdk-node';
import { ValidationError } from '../../core/src/index.js';

/** One line of the file. */
export interface SpanLine {
  /** `service.name` of the exporting process. */
  service: string;
  name: string;
  /** OpenTelemetry API span kind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: number;
  /** 32 hex digits. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  /** 16 hex digits, or "" for a root span. */
  parentSpanId: string;
  attributes: Record<string, unknown>;
  /** Status code: 0 unset, 1 ok, 2 error. */
  status: number;
}

/** Converts a finished span to its line (without the newline). */
export function toSpanLine(span: tracing.ReadableSpan): SpanLine {
  return {
    service: String(span.resource.attributes['service.name'] ?? ''),
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    attributes: { ...span.attributes },
    status: span.status.code,
  };
}

/**
 * Appends spans to `file` (its folder is created). Several processes may share one file:
 * each export is a single append of whole lines.
 */
export class JsonLinesSpanExporter implements tracing.SpanExporter {
  /** @throws ValidationError naming NASUNET_TRACE_FILE when the file's folder cannot be created. */
  constructor(private readonly file: string) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (e) {
      throw new ValidationError(
        `NASUNET_TRACE_FILE: cannot create the folder of '${file}': ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  export(spans: tracing.ReadableSpan[], done: (result: core.ExportResult) => void): void {
    try {
      appendFileSync(this.file, spans.map((s) => `${JSON.stringify(toSpanLine(s))}\n`).join(''));
      done({ code: core.ExportResultCode.SUCCESS });
    } catch (e) {
      done({ code: core.ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
    }
  }

  async shutdown(): Promise<void> {}
}
