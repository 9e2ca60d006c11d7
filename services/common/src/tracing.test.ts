import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { node, tracing } from '@opentelemetry/sdk-node';
import { withSpan } from '../../../libs/telemetry/src/index.js';
import { captureTraceParent, inJobTrace, outboundMetadata } from './tracing.js';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
provider.register();
after(() => provider.shutdown());

test('a job continues the trace of the call that queued it, and passes it on to the registry', async () => {
  let carrier: Record<string, string> = {};
  let callSpan = { traceId: '', spanId: '' };
  await withSpan('SearchController/startSearch', {}, (span) => {
    callSpan = span.spanContext();
    carrier = captureTraceParent();
  });
  assert.match(carrier['traceparent'] ?? '', new RegExp(`^00-${callSpan.traceId}-${callSpan.spanId}-01$`));

  // Later, in a worker, outside any call.
  let outbound = '';
  await inJobTrace(carrier, 'search.job', { 'nasunet.job_id': 'search-1' }, async () => {
    outbound = String(outboundMetadata().get('traceparent')[0] ?? '');
  });
  const job = exporter.getFinishedSpans().find((s) => s.name === 'search.job')!;
  assert.equal(job.spanContext().traceId, callSpan.traceId);
  assert.equal(job.parentSpanContext?.spanId, callSpan.spanId);
  assert.deepEqual(job.attributes, { 'nasunet.job_id': 'search-1' });
  assert.equal(outbound, `00-${callSpan.traceId}-${job.spanContext().spanId}-01`);

  // A job stored without a trace starts its own.
  await inJobTrace(undefined, 'search.job', {}, async () => undefined);
  const fresh = exporter.getFinishedSpans().filter((s) => s.name === 'search.job')[1]!;
  assert.notEqual(fresh.spanContext().traceId, callSpan.traceId);
  assert.equal(fresh.parentSpanContext, undefined);
});
