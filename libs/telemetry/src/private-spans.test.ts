import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanStatusCode } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { PrivateSpanProcessor } from './private-spans.js';

test('exporters see no error messages and no long strings, but the error kind stays', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new tracing.BasicTracerProvider({
    spanProcessors: [new PrivateSpanProcessor(new tracing.SimpleSpanProcessor(exporter))],
  });
  const span = provider.getTracer('t').startSpan('GetDataset', {
    attributes: {
      'grpc.error_message': 'dataset "DOE^JOHN_1970" not found',
      'grpc.error_name': 'Error',
      'rpc.grpc.status_code': 5,
      'nasunet.note': 'x'.repeat(1000),
    },
  });
  span.recordException({ name: 'NotFoundError', message: 'dataset "DOE^JOHN_1970" not found' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'dataset "DOE^JOHN_1970" not found' });
  span.end();
  const [out] = exporter.getFinishedSpans();
  assert.ok(out);
  assert.ok(!JSON.stringify({ a: out.attributes, e: out.events, s: out.status }).includes('DOE^JOHN'));
  assert.equal(out.status.code, SpanStatusCode.ERROR);
  assert.equal(out.attributes['rpc.grpc.status_code'], 5);
  assert.equal(out.attributes['grpc.error_name'], 'Error');
  assert.equal((out.attributes['nasunet.note'] as string).length, 256);
  assert.equal(out.events[0]?.attributes?.['exception.type'], 'NotFoundError');
  assert.equal(out.name, 'GetDataset');
  assert.equal(out.spanContext().traceId, span.spanContext().traceId);
});
