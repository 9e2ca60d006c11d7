import { test } from 'node:test';
import assert from 'node:assert/strict';
import { node, tracing } from '@opentelemetry/sdk-node';
import { SpanStatusCode } from '@opentelemetry/api';
import { MAX_ATTRIBUTE_CHARS, safeAttributes, withSpan } from './span.js';

test('withSpan nests spans, records failures and keeps only safe attributes', async () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({
    spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
  });
  provider.register();
  try {
    const result = await withSpan(
      'search.epoch',
      { 'nasunet.epoch': 3, 'nasunet.job_id': 'search-1', big: 'x'.repeat(MAX_ATTRIBUTE_CHARS + 1) },
      async () => withSpan('search.step', { 'nasunet.step': 7 }, async () => 42),
    );
    assert.equal(result, 42);
    await assert.rejects(
      withSpan('inference.decode', {}, async () => {
        throw new RangeError('bad bytes');
      }),
      RangeError,
    );
    const spans = exporter.getFinishedSpans();
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(byName).sort(), ['inference.decode', 'search.epoch', 'search.step']);
    assert.equal(
      byName['search.step']!.parentSpanContext?.spanId,
      byName['search.epoch']!.spanContext().spanId,
    );
    assert.equal(byName['search.step']!.spanContext().traceId, byName['search.epoch']!.spanContext().traceId);
    assert.deepEqual(byName['search.epoch']!.attributes, {
      'nasunet.epoch': 3,
      'nasunet.job_id': 'search-1',
    });
    assert.equal(byName['inference.decode']!.status.code, SpanStatusCode.ERROR);
    assert.equal(byName['search.epoch']!.status.code, SpanStatusCode.UNSET);
  } finally {
    await provider.shutdown();
  }
});

test('safeAttributes drops arrays, objects and long strings', () => {
  const attrs = safeAttributes({
    a: 1,
    b: true,
    c: 'ok',
    d: undefined,
    e: 'y'.repeat(MAX_ATTRIBUTE_CHARS + 1),
  } as Record<string, string | number | boolean | undefined>);
  assert.deepEqual(attrs, { a: 1, b: true, c: 'ok' });
});
