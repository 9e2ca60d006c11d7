/**
 * Client-side balancing: a client made with the suite's channel options spreads its calls
 * over every address its target resolves to (as a headless Service's name resolves to each
 * ready pod), not only the first. Two real health-only servers, one SERVING and one
 * NOT_SERVING, tell which one answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHealth, createHealthClient } from './clients.js';
import { balancingOptions } from './options.js';
import { ServiceHealth, serveHealthOnly } from './server.js';

test('calls go round-robin over every resolved address', async () => {
  const serving = new ServiceHealth(['registry']);
  serving.setServing(true);
  const a = await serveHealthOnly(serving, '127.0.0.1:0');
  const b = await serveHealthOnly(new ServiceHealth(['registry']), '127.0.0.1:0');
  const client = createHealthClient(`ipv4:127.0.0.1:${a.port},127.0.0.1:${b.port}`);
  try {
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) seen.push(await checkHealth(client, '', 5000));
    assert.deepEqual([...new Set(seen)].sort(), ['NOT_SERVING', 'SERVING'], seen.join(' '));
  } finally {
    client.close();
    a.server.forceShutdown();
    b.server.forceShutdown();
  }
});

test('names and address lists balance round-robin; one literal address keeps pick_first', () => {
  const roundRobin = (target: string): boolean =>
    String(balancingOptions(target)['grpc.service_config'] ?? '').includes('round_robin');
  for (const target of [
    'nasunet-registry:50051',
    'dns:///nasunet-registry.nasunet.svc:50051',
    'ipv4:10.0.0.1:1,10.0.0.2:1',
  ])
    assert.ok(roundRobin(target), target);
  for (const target of ['127.0.0.1:50051', 'localhost:50051', '[::1]:50051', 'ipv4:10.0.0.1:50051'])
    assert.ok(!roundRobin(target), target);
});
