/**
 * Access control end to end, real processes and sockets: the registry and the segmentation
 * service serve TLS only with client certificates (mTLS) and bearer tokens with scopes
 * (a throwaway CA made with openssl). A plaintext client, one without a certificate and one
 * without a known token are refused; a PACS token (`segment`) can segment but cannot
 * upload a model, move `production` or retire a version, and nothing changes when it tries;
 * an admin can, and the audit trail names who did what. A service bound beyond loopback
 * refuses to start without TLS and tokens unless NASUNET_INSECURE_DEV says so.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { serviceEntry, startServiceProcess } from '../libs/launcher/src/index.js';
import {
  channelCredentials,
  checkHealth,
  createHealthClient,
  createRegistryClient,
  createSegmentationClient,
  type ClientConfig,
  type GetModelResponse__Output,
  type ListAuditEventsResponse__Output,
  type ModelRegistryServiceClient,
  type SegmentResponse__Output,
} from '../libs/rpc/src/index.js';
import { call, statusOf, uploadModel } from './support/grpc.js';
import { smallBundle } from './support/model-bundle.js';
import { makePki, secureServiceEnv, writeTokensFile, type Pki } from './support/pki.js';
import { freePort } from './support/ports.js';
import { Suite } from './support/suite.js';
import { syntheticFiles } from './support/synthetic.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'libs', 'cli', 'src', 'main.js');
const PROBE = join(dirname(fileURLToPath(import.meta.url)), '..', 'libs', 'launcher', 'src', 'probe.js');
const SIZE = 32;
const MODEL = 'secured-model';
const token = (): string => randomBytes(32).toString('hex');
/** Callers and their tokens: an operator, a CI job that publishes models, a PACS, the services. */
const TOKENS = {
  admin: { token: token(), scopes: ['admin' as const, 'registry:read' as const] },
  publisher: { token: token(), scopes: ['registry:read' as const, 'registry:write' as const] },
  pacs: { token: token(), scopes: ['segment' as const] },
  services: { token: token(), scopes: ['registry:read' as const, 'registry:write' as const] },
};

let dir: string;
let pki: Pki;
let secureEnv: Record<string, string>;
let suite: Suite;
const clients: grpc.Client[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nasunet-security-'));
  mkdirSync(join(dir, 'pki'));
  pki = makePki(join(dir, 'pki'));
  writeTokensFile(join(dir, 'tokens.json'), TOKENS);
  writeFileSync(join(dir, 'service-token'), `${TOKENS.services.token}\n`);
  secureEnv = secureServiceEnv(pki, join(dir, 'tokens.json'), join(dir, 'service-token'));
  suite = new Suite(join(dir, 'data'), secureEnv);
  await suite.start(['registry', 'inference']);
});

after(async () => {
  for (const c of clients) c.close();
  await suite?.stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** TLS trusting the test CA, with the client certificate unless `withCertificate` is false. */
function tls(withCertificate = true): grpc.ChannelCredentials {
  return channelCredentials({
    ca: readFileSync(pki.ca),
    ...(withCertificate ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}),
  });
}

/** A registry client over mTLS with the token of `who` (none when undefined). */
function registryAs(
  who?: keyof typeof TOKENS,
  config: ClientConfig = { credentials: tls() },
): ModelRegistryServiceClient {
  const c = createRegistryClient(suite.address('registry'), {
    ...config,
    ...(who ? { token: TOKENS[who].token } : {}),
  });
  clients.push(c);
  return c;
}

/** Runs the compiled CLI; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Status of a reflection call (`list_services`) and whether an answer came. */
function reflect(
  credentials: grpc.ChannelCredentials,
  bearer?: string,
): Promise<{ code: number; answered: boolean }> {
  const client = new grpc.Client(suite.address('registry'), credentials);
  clients.push(client);
  const metadata = new grpc.Metadata();
  if (bearer) metadata.set('authorization', `Bearer ${bearer}`);
  const stream = client.makeBidiStreamRequest(
    '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    (b: Buffer) => b,
    (b: Buffer) => b,
    metadata,
    { deadline: Date.now() + 10_000 },
  );
  let answered = false;
  return new Promise((resolve) => {
    stream.on('data', () => {
      answered = true;
      stream.end();
    });
    stream.on('error', () => undefined);
    stream.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, answered }));
    stream.write(Buffer.from([0x3a, 0x00])); // ServerReflectionRequest { list_services: "" }
  });
}

test(
  'TLS only, client certificates required, a known token for everything but health',
  { timeout: 120_000 },
  async () => {
    // Plaintext and TLS without a client certificate never reach a handler.
    assert.equal(
      await statusOf(call(registryAs('admin', {}), 'listModels', {}, 10_000)),
      grpc.status.UNAVAILABLE,
    );
    assert.equal(
      await statusOf(call(registryAs('admin', { credentials: tls(false) }), 'listModels', {}, 10_000)),
      grpc.status.UNAVAILABLE,
    );
    const plainSegmentation = createSegmentationClient(suite.address('inference'));
    clients.push(plainSegmentation);
    assert.equal(await statusOf(call(plainSegmentation, 'segment', {}, 10_000)), grpc.status.UNAVAILABLE);

    // Over mTLS: no token or an unknown one is UNAUTHENTICATED.
    await assert.rejects(
      call(registryAs(), 'listModels', {}),
      (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED && /bearer token/.test(e.details),
    );
    const forged = createRegistryClient(suite.address('registry'), { credentials: tls(), token: token() });
    clients.push(forged);
    assert.equal(await statusOf(call(forged, 'listModels', {})), grpc.status.UNAUTHENTICATED);
    assert.equal(await statusOf(call(registryAs('publisher'), 'listModels', {})), 'ok');

    // Reflection answers only a known token; health answers anyone who passes TLS.
    assert.deepEqual(await reflect(tls()), { code: grpc.status.UNAUTHENTICATED, answered: false });
    assert.deepEqual(await reflect(tls(), TOKENS.pacs.token), { code: grpc.status.OK, answered: true });
    const health = createHealthClient(suite.address('registry'), { credentials: tls() });
    clients.push(health);
    assert.equal(await checkHealth(health, '', 10_000), 'SERVING');

    // The Kubernetes probe checks the same port over TLS with the service's own settings.
    const port = suite.address('registry').split(':')[1]!;
    const probe = spawnSync(process.execPath, [PROBE], {
      env: { ...process.env, ...secureEnv, NASUNET_PORT: port },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.deepEqual([probe.status, probe.stdout.trim()], [0, 'SERVING'], probe.stderr);
  },
);

test(
  'a PACS token segments but cannot upload, move production or retire; an admin can, and the audit trail names who',
  { timeout: 240_000 },
  async () => {
    const artifacts = await smallBundle(SIZE);
    const metadata = {
      name: MODEL,
      architecture: 'unet',
      configJson: '{}',
      metricsJson: '{}',
      lineage: { trainingJobId: '', datasetDigest: '' },
      classNames: ['background', 'organ_bright', 'organ_dark'],
    };
    const [publisher, pacs, admin] = [registryAs('publisher'), registryAs('pacs'), registryAs('admin')];
    assert.equal((await uploadModel(publisher, metadata, artifacts)).version, 1);
    await call(admin, 'setAlias', { name: MODEL, alias: 'production', version: 1 });
    assert.equal((await uploadModel(publisher, metadata, artifacts)).version, 2);

    // The attack of the issue: another model uploaded, production moved to it. Refused, nothing changes.
    const denied = async (p: Promise<unknown>, scope: string): Promise<void> =>
      assert.rejects(
        p,
        (e: grpc.ServiceError) =>
          e.code === grpc.status.PERMISSION_DENIED && e.details.includes(`lacks scope "${scope}"`),
      );
    await denied(uploadModel(pacs, metadata, artifacts), 'registry:write');
    await denied(call(pacs, 'setAlias', { name: MODEL, alias: 'production', version: 2 }), 'admin');
    await denied(call(publisher, 'setAlias', { name: MODEL, alias: 'production', version: 2 }), 'admin');
    await denied(call(publisher, 'deleteAlias', { name: MODEL, alias: 'production' }), 'admin');
    await denied(call(publisher, 'retireModel', { name: MODEL, version: 1, reason: '' }), 'admin');
    await denied(call(pacs, 'getModel', { model: { name: MODEL } }), 'registry:read');
    await denied(call(pacs, 'listAuditEvents', {}), 'admin');
    const production = await call<GetModelResponse__Output>(publisher, 'getModel', {
      model: { name: MODEL, alias: 'production' },
    });
    assert.equal(production.model!.version, 1);
    assert.equal(
      (await call<GetModelResponse__Output>(publisher, 'getModel', { model: { name: MODEL } })).model!
        .version,
      2,
      'no third version was stored',
    );

    // The PACS segments with production: the segmentation service fetched the model from
    // the registry over mTLS with its own token.
    const c = syntheticFiles(1, SIZE, 9).cases[0]!;
    const raw = {
      dtype: 'PIXEL_DTYPE_UINT8',
      height: c.height,
      width: c.width,
      channels: 1,
      data: Buffer.from(c.pixels),
    };
    const segment = (who: keyof typeof TOKENS) => {
      const s = createSegmentationClient(suite.address('inference'), {
        credentials: tls(),
        token: TOKENS[who].token,
      });
      clients.push(s);
      return call<SegmentResponse__Output>(
        s,
        'segment',
        { model: { name: MODEL, alias: 'production' }, raw },
        60_000,
      );
    };
    assert.equal((await segment('pacs')).model!.version, 1);
    await denied(segment('publisher'), 'segment');

    // The admin moves production and retires the old version; a caller name sent by the
    // client is ignored. The audit trail names the token, never shows it.
    const spoofed = new grpc.Metadata();
    spoofed.set('nasunet-caller', 'somebody-else');
    await call(admin, 'setAlias', { name: MODEL, alias: 'production', version: 2 }, 30_000, spoofed);
    await call(admin, 'retireModel', { name: MODEL, version: 1, reason: 'superseded' });
    const trail = await call<ListAuditEventsResponse__Output>(admin, 'listAuditEvents', { name: MODEL });
    assert.deepEqual(
      trail.events.map((e) => [e.actor, e.action, e.alias, e.previousVersion, e.version, e.reason]),
      [
        ['admin', 'AUDIT_ACTION_RETIRE_MODEL', '', 0, 1, 'superseded'],
        ['admin', 'AUDIT_ACTION_SET_ALIAS', 'production', 1, 2, ''],
        ['admin', 'AUDIT_ACTION_SET_ALIAS', 'production', 0, 1, ''],
      ],
    );
    assert.ok(trail.events.every((e) => !Number.isNaN(Date.parse(e.time))));

    // The CLI: TLS, client certificate and token options; without the token it exits 2.
    const server = ['--registry-server', suite.address('registry'), '--tls-ca', pki.ca];
    const clientCert = ['--tls-cert', pki.clientCert, '--tls-key', pki.clientKey];
    const audit = await cli([
      'audit',
      ...server,
      ...clientCert,
      '--token',
      TOKENS.admin.token,
      '--name',
      MODEL,
      '--json',
    ]);
    assert.equal(audit.code, 0, audit.stderr);
    const rows = JSON.parse(audit.stdout) as Array<{ actor: string; action: string; change: string }>;
    assert.deepEqual(
      rows.map((r) => [r.actor, r.action, r.change]),
      [
        ['admin', 'retire_model', 'version 1 retired'],
        ['admin', 'set_alias', '@production 1 -> 2'],
        ['admin', 'set_alias', '@production new -> 1'],
      ],
    );
    const anonymous = await cli(['audit', ...server, ...clientCert]);
    assert.equal(anonymous.code, 2, anonymous.stderr);
    assert.match(anonymous.stderr, /bearer token/);
    for (const t of Object.values(TOKENS)) assert.ok(!JSON.stringify(trail).includes(t.token));
  },
);

test(
  'beyond loopback a service refuses to start without TLS and tokens, unless NASUNET_INSECURE_DEV',
  { timeout: 240_000 },
  async () => {
    const dataDir = join(dir, 'exposed');
    const exposed = async (): Promise<Record<string, string>> => {
      const port = String(await freePort());
      return { NASUNET_HOST: '0.0.0.0', NASUNET_PORT: port, REGISTRY_HOST: '0.0.0.0', REGISTRY_PORT: port };
    };
    const refused: Array<[string, Record<string, string>, RegExp]> = [
      [
        'registry',
        {},
        /without TLS \(NASUNET_TLS_CERT, NASUNET_TLS_KEY\) and tokens \(NASUNET_TOKENS_FILE\)/,
      ],
      ['inference', {}, /without TLS .* and tokens/],
      [
        'registry',
        { NASUNET_TLS_CERT: pki.serverCert, NASUNET_TLS_KEY: pki.serverKey },
        /without tokens \(NASUNET_TOKENS_FILE\)/,
      ],
      ['registry', { NASUNET_TOKENS_FILE: join(dir, 'tokens.json') }, /without TLS \(NASUNET_TLS_CERT/],
    ];
    for (const [name, extra, message] of refused) {
      const r = spawnSync(process.execPath, [serviceEntry(name as 'registry')], {
        env: {
          ...process.env,
          NASUNET_DATA_DIR: dataDir,
          NASUNET_BACKEND: 'cpu',
          ...(await exposed()),
          ...extra,
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(r.status, 1, `${name} started: ${r.stdout}`);
      assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0/);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /NASUNET_INSECURE_DEV=true/);
      assert.doesNotMatch(r.stdout, /listening/i);
    }

    // Told it is a development setup, it starts (and says so); with TLS and tokens it needs no flag.
    const lines: string[] = [];
    for (const env of [{ NASUNET_INSECURE_DEV: 'true' }, secureEnv]) {
      const port = await freePort();
      const proc = await startServiceProcess({
        name: 'registry',
        host: '0.0.0.0',
        port,
        dataDir,
        env,
        onLine: (l) => lines.push(l),
        readyTimeoutMs: 60_000,
      });
      await proc.stop();
    }
    assert.match(lines.join('\n'), /development setup only/);
  },
);
