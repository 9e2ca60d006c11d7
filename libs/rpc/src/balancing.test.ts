/**
 * Client-side balancing: a client made with the suite's channel options spreads its calls
 * over every address its target resolves to (as a headless Service's name resolves to each
 * ready pod), not only the first. Two real health-only servers, one SERVING and one
 * NOT_SERVING, tell which one answered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHealth, createHealthClient } from './clients.js';
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
