import { after, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { node, tracing } from '@opentelemetry/sdk-node';
import { ROOT_CONTEXT, SpanStatusCode, propagation } from '@opentelemetry/api';
import { MAX_ATTRIBUTE_CHARS, recordSpan, safeAttributes, withSpan } from './span.js';

// One provider for the file: the module's tracer binds to the first provider registered.
const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({
  spanProcessors: [new tracing.SimpleSpanProcessor(exporter)],
});
provider.register();
beforeEach(() => exporter.reset());
after(() => provider.shutdown());

test('withSpan nests spans, records failures and keeps only safe attributes', async () => {
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

test('withSpan continues a stored trace or starts a new one; recordSpan back-dates a child', async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const carrier = { traceparent: `00-${traceId}-b7ad6b7169203331-01` };
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  await withSpan(
    'search.job',
    { 'nasunet.job_id': 'search-7' },
    async () => {
      recordSpan('search.epoch', { 'nasunet.epoch': 1, pixels: 'p'.repeat(MAX_ATTRIBUTE_CHARS + 1) }, 2.5);
      // An explicit root context starts a new trace even inside an active span.
      await withSpan('other.job', {}, async () => undefined, { parent: ROOT_CONTEXT });
    },
    { parent },
  );
  const byName = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s]));
  const job = byName['search.job']!;
  const epoch = byName['search.epoch']!;
  const other = byName['other.job']!;
  assert.equal(job.spanContext().traceId, traceId);
  assert.equal(job.parentSpanContext?.spanId, 'b7ad6b7169203331');
  assert.equal(epoch.spanContext().traceId, traceId);
  assert.equal(epoch.parentSpanContext?.spanId, job.spanContext().spanId);
  assert.deepEqual(epoch.attributes, { 'nasunet.epoch': 1 });
  const [secs, nanos] = epoch.duration;
  assert.ok(Math.abs(secs + nanos / 1e9 - 2.5) < 0.01, `duration ${secs}s ${nanos}ns`);
  assert.notEqual(other.spanContext().traceId, traceId);
  assert.equal(other.parentSpanContext, undefined);
});
