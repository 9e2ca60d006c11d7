import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { startOtlpJsonReceiver } from './otlp-receiver.js';
import type { SpanLine } from './json-lines-exporter.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'grpc-roundtrip.js');
const RPC = 'grpc.grpc.health.v1.Health/Check';

/** Runs the fixture with `env` on top of a clean OTEL_* environment; resolves with its output. */
function runFixture(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && k !== 'NASUNET_TRACE_FILE'),
  );
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

function readLines(file: string): SpanLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SpanLine);
}

test(
  'startTelemetry instruments gRPC loaded after it and exports to the file and to OTLP together',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telemetry-'));
    const receiver = await startOtlpJsonReceiver();
    try {
      const file = join(dir, 'nested', 'spans.jsonl');
      const { code, out } = await runFixture({
        NASUNET_TRACE_FILE: file,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      });
      assert.equal(code, 0, out);
      assert.match(out, /health SERVING/);

      const lines = readLines(file);
      const server = lines.find((s) => s.name === RPC && s.kind === SpanKind.SERVER);
      const client = lines.find((s) => s.name === RPC && s.kind === SpanKind.CLIENT);
      assert.ok(server && client, `client and server spans in ${JSON.stringify(lines)}`);
      assert.equal(client.service, 'telemetry-fixture');
      assert.match(client.traceId, /^[0-9a-f]{32}$/);
      assert.equal(server.traceId, client.traceId);
      assert.equal(server.parentSpanId, client.spanId);
      assert.equal(server.attributes['rpc.grpc.status_code'], 0);

      // The same spans also went to the OTLP endpoint (flushed by shutdown before exit).
      const received = receiver.spans.filter((s) => s.name === RPC);
      assert.deepEqual(received.map((s) => s.spanId).sort(), [client.spanId, server.spanId].sort());
      assert.ok(received.every((s) => s.serviceName === 'telemetry-fixture'));
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'OTEL_SERVICE_NAME names the service; OTEL_SDK_DISABLED=true writes nothing',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'telemetry-'));
    try {
      const named = join(dir, 'named.jsonl');
      const a = await runFixture({ NASUNET_TRACE_FILE: named, OTEL_SERVICE_NAME: 'renamed' });
      assert.equal(a.code, 0, a.out);
      const services = new Set(readLines(named).map((s) => s.service));
      assert.deepEqual([...services], ['renamed']);

      const disabled = join(dir, 'disabled.jsonl');
      const b = await runFixture({ NASUNET_TRACE_FILE: disabled, OTEL_SDK_DISABLED: 'true' });
      assert.equal(b.code, 0, b.out);
      assert.match(b.out, /health SERVING/);
      assert.equal(existsSync(disabled), false);

      // A trace file under a regular file cannot be created: a clear start-up error.
      writeFileSync(join(dir, 'plain'), '');
      const c = await runFixture({ NASUNET_TRACE_FILE: join(dir, 'plain', 'spans.jsonl') });
      assert.notEqual(c.code, 0);
      assert.match(c.out, /ValidationError: NASUNET_TRACE_FILE: cannot create the folder of/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
