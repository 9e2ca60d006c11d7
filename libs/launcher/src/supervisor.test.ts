/**
 * `npm start` for real: the four services on free ports; one of them killed is started
 * again while the others keep answering, and one that keeps dying is given up on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHealth, createHealthClient, findFreePort } from '../../rpc/src/index.js';
import { Supervisor } from './supervisor.js';
import type { ServiceProcess } from './service-process.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

test('a killed service is started again while the others keep serving', { timeout: 240_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-launcher-'));
  const ports = {
    NASUNET_REGISTRY_PORT: await findFreePort(),
    NASUNET_SEARCH_PORT: await findFreePort(),
    NASUNET_TRAINING_PORT: await findFreePort(),
    NASUNET_INFERENCE_PORT: await findFreePort(),
  };
  const env = {
    ...process.env,
    NASUNET_DATA_DIR: dataDir,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
  const launcher = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  launcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
  launcher.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = async (pattern: RegExp, ms: number): Promise<RegExpMatchArray> => {
    const until = Date.now() + ms;
    for (;;) {
      const m = out.match(pattern);
      if (m) return m;
      if (Date.now() > until || launcher.exitCode !== null) assert.fail(`no ${pattern} in:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const registry = createHealthClient(`127.0.0.1:${ports.NASUNET_REGISTRY_PORT}`);
  const search = createHealthClient(`127.0.0.1:${ports.NASUNET_SEARCH_PORT}`);
  try {
    const pid = Number((await waitFor(/search\s+\S+ \(pid (\d+)\)/, 180_000))[1]);
    process.kill(pid, 'SIGKILL');
    await waitFor(/search exited \(SIGKILL\); starting it again in 1 s, the others keep serving/, 30_000);
    assert.equal(await checkHealth(registry, '', 10_000), 'SERVING', 'the registry keeps serving');
    await waitFor(/search is serving again/, 120_000);
    assert.equal(await checkHealth(search, '', 10_000), 'SERVING');
    assert.equal(launcher.exitCode, null, 'npm start keeps running');
  } finally {
    registry.close();
    search.close();
    launcher.kill('SIGTERM');
    await new Promise((r) => (launcher.exitCode !== null ? r(null) : launcher.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a service that keeps exiting is given up on after the allowed restarts', async () => {
  const lines: string[] = [];
  let starts = 0;
  let gaveUp!: () => void;
  const given = new Promise<void>((r) => (gaveUp = r));
  const fake = (): ServiceProcess =>
    ({
      name: 'search',
      address: '127.0.0.1:1',
      child: { pid: 1 },
      exited: Promise.resolve(1),
      stop: async () => 1,
    }) as unknown as ServiceProcess;
  const s = new Supervisor(
    async () => {
      starts++;
      return fake();
    },
    (l) => lines.push(l),
    gaveUp,
    { maxRestarts: 2, windowMs: 60_000, firstDelayMs: 1 },
  );
  await s.launch('search');
  await given;
  assert.equal(starts, 3, 'the first start and two restarts');
  assert.ok(
    lines.some((l) => /search exited \(1\) 3 times within 1 min; stopping/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.includes('search exited (1); starting it again in 0.002 s, the others keep serving'),
    lines.join('\n'),
  );
});
