/**
 * One trace across two processes: a client process and the registry service process, both
 * starting libs/telemetry before gRPC loads (as every entry point does), export to an
 * in-process OTLP/JSON receiver; the server span of the gRPC instrumentation must be a
 * child of the client span.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHealth, createHealthClient, findFreePort } from '../../../libs/rpc/src/index.js';
import { startOtlpJsonReceiver, type ReceivedSpan } from '../../../libs/telemetry/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const distRoot = resolve(here, '../../..');

function run(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitServing(address: string): Promise<void> {
  const h = createHealthClient(address);
  try {
    for (;;) {
      try {
        if ((await checkHealth(h, '', 2000)) === 'SERVING') return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    h.close();
  }
}

test('client and server spans share one trace id across processes', { timeout: 120_000 }, async () => {
  const receiver = await startOtlpJsonReceiver();
  const dataDir = await mkdtemp(join(tmpdir(), 'trace-e2e-'));
  const port = await findFreePort();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const server = run(join(distRoot, 'services/registry/src/main.js'), [], {
    ...otel,
    OTEL_SERVICE_NAME: 'registry',
    NASUNET_HOST: '127.0.0.1',
    NASUNET_PORT: String(port),
    NASUNET_DATA_DIR: dataDir,
  });
  try {
    await waitServing(`127.0.0.1:${port}`);
    const client = run(join(here, '../e2e-support/trace-client.js'), [`127.0.0.1:${port}`], {
      ...otel,
      OTEL_SERVICE_NAME: 'trace-client',
    });
    const code = await new Promise<number | null>((r) => client.on('exit', r));
    assert.equal(code, 0);
    const rpc = 'grpc.nasunet.v1.ModelRegistryService/GetModel';
    const find = (spans: ReceivedSpan[], service: string, kind: number) =>
      spans.find((s) => s.serviceName === service && s.name === rpc && s.kind === kind);
    await receiver.waitFor((spans) => !!find(spans, 'trace-client', 3) && !!find(spans, 'registry', 2));
    const clientSpan = find(receiver.spans, 'trace-client', 3)!;
    const serverSpan = find(receiver.spans, 'registry', 2)!;
    assert.match(clientSpan.traceId, /^[0-9a-f]{32}$/);
    assert.equal(serverSpan.traceId, clientSpan.traceId);
    assert.equal(serverSpan.parentSpanId, clientSpan.spanId);
    assert.equal(serverSpan.attributes['rpc.grpc.status_code'], 5);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
