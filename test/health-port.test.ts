/**
 * The plaintext health port of the kubelet's native gRPC probe (NASUNET_HEALTH_PORT), real
 * processes and sockets: a registry and a segmentation service serving TLS with client
 * certificates and tokens answer `grpc.health.v1.Health` on their health port without TLS,
 * with the status of the service port, and serve nothing else there; the service port stays
 * TLS only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  checkHealth,
  startServiceProcess,
  type ServiceName,
  type ServiceProcess,
} from '../libs/launcher/src/index.js';
import { ValidationError } from '../libs/core/src/index.js';
import { loadLauncherConfig } from '../libs/launcher/src/config.js';
import { createRegistryClient, type ModelRegistryServiceClient } from '../libs/rpc/src/index.js';
import { call, statusOf } from './support/grpc.js';
import { makePki, secureServiceEnv, writeTokensFile } from './support/pki.js';
import { freePort } from './support/ports.js';

let dir: string;
const procs: ServiceProcess[] = [];
const healthPorts = new Map<ServiceName, number>();
const servicePorts = new Map<ServiceName, number>();
const clients: grpc.Client[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nasunet-health-port-'));
  mkdirSync(join(dir, 'pki'));
  const pki = makePki(join(dir, 'pki'));
  const serviceToken = randomBytes(32).toString('hex');
  writeTokensFile(join(dir, 'tokens.json'), {
    services: { token: serviceToken, scopes: ['registry:read', 'registry:write'] },
  });
  writeFileSync(join(dir, 'service-token'), serviceToken);
  for (const name of ['registry', 'inference'] as const) {
    servicePorts.set(name, await freePort());
    healthPorts.set(name, await freePort());
  }
  for (const name of ['registry', 'inference'] as const) {
    procs.push(
      await startServiceProcess({
        name,
        port: servicePorts.get(name)!,
        dataDir: join(dir, 'data'),
        env: {
          NASUNET_BACKEND: 'cpu',
          LOG_LEVEL: 'warn',
          NASUNET_REGISTRY_ADDR: `127.0.0.1:${servicePorts.get('registry')!}`,
          NASUNET_HEALTH_PORT: String(healthPorts.get(name)!),
          ...secureServiceEnv(pki, join(dir, 'tokens.json'), join(dir, 'service-token')),
        },
        onLine: () => undefined,
        readyTimeoutMs: 60_000,
      }),
    );
  }
});

after(async () => {
  for (const c of clients) c.close();
  for (const p of procs.reverse()) await p.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the health port answers SERVING in plaintext, for the server and the named service', async () => {
  for (const [name, service] of [
    ['registry', 'nasunet.v1.ModelRegistryService'],
    ['inference', 'nasunet.v1.SegmentationService'],
  ] as const) {
    const address = `127.0.0.1:${healthPorts.get(name)!}`;
    assert.equal(await checkHealth(address, '', 5000), 'SERVING', name);
    assert.equal(await checkHealth(address, service, 5000), 'SERVING', `${name} ${service}`);
    // Plaintext reaches no service port: it is TLS only.
    assert.equal(await checkHealth(`127.0.0.1:${servicePorts.get(name)!}`, '', 3000), 'UNREACHABLE', name);
  }
});

test('the health port serves nothing but health: a registry call there is UNIMPLEMENTED', async () => {
  const client: ModelRegistryServiceClient = createRegistryClient(
    `127.0.0.1:${healthPorts.get('registry')!}`,
    {
      credentials: grpc.credentials.createInsecure(),
    },
  );
  clients.push(client);
  const status = await statusOf(call(client, 'listModels', {}, 5000));
  assert.equal(status, grpc.status.UNIMPLEMENTED);
});

test('npm start, which runs four services, refuses one health port for all', () => {
  assert.throws(
    () => loadLauncherConfig({ NASUNET_HEALTH_PORT: '8081' }),
    (e: unknown) => e instanceof ValidationError && /NASUNET_HEALTH_PORT/.test(e.message),
  );
});

test('the health port stops with its service', async () => {
  const inference = procs.find((p) => p.name === 'inference')!;
  await inference.stop();
  assert.equal(await checkHealth(`127.0.0.1:${healthPorts.get('inference')!}`, '', 2000), 'UNREACHABLE');
});
