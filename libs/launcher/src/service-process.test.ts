/**
 * Start-up refuses a port another process holds instead of taking its server for ours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess } from './service-process.js';

test('a port already in use fails the start with the port named, and nothing is spawned', async () => {
  const other = createServer();
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const port = (other.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'nasunet-port-'));
  try {
    await assert.rejects(
      startServiceProcess({ name: 'registry', port, dataDir: dir, onLine: () => {}, readyTimeoutMs: 5000 }),
      new RegExp(`127\\.0\\.0\\.1:${port} is already in use`),
    );
  } finally {
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
