/**
 * Two registry processes on one PostgreSQL database and one artifact root, as two replicas
 * in a cluster, over real gRPC: what one stores the other serves, one training job's
 * result is registered once whichever replica receives it, and a replica starting up
 * leaves alone the uploads another one is receiving while it removes what a stopped one
 * left. The database's password appears in no log line.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../libs/core/src/index.js';
import { startServiceProcess, type ServiceProcess } from '../libs/launcher/src/index.js';
import {
  createRegistryClient,
  uploadModelMessages,
  type DownloadDatasetResponse__Output,
  type DownloadModelResponse__Output,
  type GetModelResponse__Output,
  type ModelMetadata,
  type ModelRegistryServiceClient,
  type UploadModelResponse__Output,
} from '../libs/rpc/src/index.js';
import { encodePngGray } from '../libs/data/src/index.js';
import { call, collect, registerDataset, uploadModel } from './support/grpc.js';
import { smallBundle } from './support/model-bundle.js';
import { freePort } from './support/ports.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';

let pg: PostgresServer;
let databaseUrl: string;
let dataDir: string;
const logs: string[] = [];
const replicas: Array<{ proc: ServiceProcess; client: ModelRegistryServiceClient; port: number }> = [];

async function startReplica(
  port: number,
): Promise<{ proc: ServiceProcess; client: ModelRegistryServiceClient; port: number }> {
  const proc = await startServiceProcess({
    name: 'registry',
    port,
    dataDir,
    env: { NASUNET_STORE: 'postgres', NASUNET_DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
    onLine: (line) => logs.push(line),
    readyTimeoutMs: 60_000,
  });
  return { proc, client: createRegistryClient(proc.address), port };
}

const artifactsDir = (): string => join(dataDir, 'registry', 'artifacts');
const blobPath = (digest: string): string =>
  join(artifactsDir(), 'sha256', digest.slice(7, 9), digest.slice(7));

/** Artifact name -> bytes of a downloaded model version. */
async function download(
  client: ModelRegistryServiceClient,
  name: string,
  version: number,
): Promise<Map<string, Buffer>> {
  const parts = await collect<DownloadModelResponse__Output>(
    client.downloadModel({ model: { name, version } }, { deadline: Date.now() + 60_000 }),
  );
  const out = new Map<string, Buffer>();
  for (const p of parts.slice(1))
    out.set(
      p.chunk!.artifactName,
      Buffer.concat([out.get(p.chunk!.artifactName) ?? Buffer.alloc(0), p.chunk!.data]),
    );
  return out;
}

/** A real small model bundle (the registry loads what it stores), as Buffers by artifact name. */
async function bundle(seed: number): Promise<Map<string, Buffer>> {
  const b = await smallBundle(32, { seed, classNames: ['background', 'organ'] });
  return new Map([...b].map(([name, bytes]) => [name, Buffer.from(bytes)]));
}

/** What the first test registers; the last one checks it is still served whole. */
let sharedModel: Map<string, Buffer>;

const metadata = (name: string, trainingJobId: string): ModelMetadata => ({
  name,
  architecture: 'unet',
  configJson: '{}',
  metricsJson: '{"mean_dice":0.8}',
  lineage: { trainingJobId, datasetDigest: '' },
  classNames: ['background', 'organ'],
});

before(async () => {
  pg = await startPostgres();
  databaseUrl = await pg.createDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'nasunet-replicas-'));
  // One at a time: the second finds the schema migrated.
  for (let i = 0; i < 2; i++) replicas.push(await startReplica(await freePort()));
});

after(async () => {
  for (const r of replicas) {
    r.client.close();
    await r.proc.stop('SIGKILL');
  }
  pg?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('what one replica stores the other serves: models, datasets, aliases', async () => {
  const [a, b] = replicas.map((r) => r.client) as [ModelRegistryServiceClient, ModelRegistryServiceClient];
  sharedModel = await bundle(1);
  const uploaded = await uploadModel(a, metadata('shared-model', 'train-1'), sharedModel);
  assert.equal(uploaded.version, 1);
  assert.deepEqual(await download(b, 'shared-model', 1), sharedModel);

  const mask = Array.from({ length: 16 * 16 }, (_, i) => (i % 16 < 8 ? 0 : 1));
  const files = new Map([
    [
      'images/case_1.png',
      encodePngGray(
        mask.map((v, i) => 40 + 120 * v + (i % 7)),
        16,
        16,
      ),
    ],
    ['labels/case_1.png', encodePngGray(mask, 16, 16)],
  ]);
  const dataset = await registerDataset(
    b,
    { name: 'shared-data', layout: 'DATASET_LAYOUT_IMAGE_PAIRS', classNames: ['bg', 'organ'], caseCount: 1 },
    files,
  );
  const parts = await collect<DownloadDatasetResponse__Output>(
    a.downloadDataset({ name: 'shared-data' }, { deadline: Date.now() + 60_000 }),
  );
  assert.equal(parts[0]!.dataset!.digest, dataset.digest);
  const got = new Map<string, Buffer>();
  for (const p of parts.slice(1))
    got.set(
      p.file!.relativePath,
      Buffer.concat([got.get(p.file!.relativePath) ?? Buffer.alloc(0), p.file!.data]),
    );
  assert.deepEqual(got, files);

  await call(a, 'setAlias', { name: 'shared-model', alias: 'production', version: 1 });
  const byAlias = await call<GetModelResponse__Output>(b, 'getModel', {
    model: { name: 'shared-model', alias: 'production' },
  });
  assert.deepEqual([byAlias.model!.version, byAlias.model!.aliases], [1, ['production']]);

  assert.ok(
    logs.some((l) => l.includes(`metadata in PostgreSQL at ${new URL(databaseUrl).host}/registry_1`)),
    'each replica says where its metadata is',
  );
  assert.deepEqual(
    logs.filter((l) => l.includes(pg.password)),
    [],
    'the database password appears in no log line',
  );
});

test('one training job uploaded through both replicas at once is registered once, its bytes intact', async () => {
  const [a, b] = replicas.map((r) => r.client) as [ModelRegistryServiceClient, ModelRegistryServiceClient];
  // A job rerun after a crash may send other bytes (e.g. another checkpoint): one wins.
  const first = await bundle(2);
  const second = await bundle(3);
  const [ra, rb] = await Promise.all([
    uploadModel(a, metadata('raced-model', 'train-raced'), first),
    uploadModel(b, metadata('raced-model', 'train-raced'), second),
  ]);
  assert.deepEqual([ra.version, rb.version], [1, 1]);
  assert.deepEqual(ra.artifacts, rb.artifacts);
  const listed = await call<{ models: unknown[] }>(a, 'listModels', { name: 'raced-model' });
  assert.equal(listed.models.length, 1);
  const kept = ra.artifacts.find((x) => x.name === 'weights.bin')!.digest;
  const winner = kept === sha256Digest(first.get('weights.bin')!) ? first : second;
  const loser = winner === first ? second : first;
  assert.deepEqual(await download(a, 'raced-model', 1), winner);
  assert.deepEqual(await download(b, 'raced-model', 1), winner);
  // The loser's bytes were removed: no record names them.
  assert.equal(existsSync(blobPath(sha256Digest(loser.get('weights.bin')!))), false);
});

test('a replica starting up keeps the uploads another receives and removes what a stopped one left', async () => {
  const a = replicas[0]!.client;
  // Left by a stopped replica: a staged file unwritten for two hours, and a promoted blob
  // whose record was never written.
  const tmp = join(artifactsDir(), 'tmp');
  mkdirSync(tmp, { recursive: true });
  const stale = join(tmp, 'left-by-a-stopped-replica.part');
  writeFileSync(stale, 'partial');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  utimesSync(stale, twoHoursAgo, twoHoursAgo);
  const orphanBytes = randomBytes(100);
  const orphan = blobPath(sha256Digest(orphanBytes));
  mkdirSync(join(orphan, '..'), { recursive: true });
  writeFileSync(orphan, orphanBytes);

  // An upload replica A is receiving: metadata and the first chunk sent, the rest held back.
  const slow = await bundle(4);
  const messages = [...uploadModelMessages(metadata('slow-model', 'train-slow'), [...slow], 1024)];
  let up!: ReturnType<ModelRegistryServiceClient['uploadModel']>;
  const done = new Promise<UploadModelResponse__Output>((resolve, reject) => {
    up = a.uploadModel({ deadline: Date.now() + 120_000 }, (err, r) => (err ? reject(err) : resolve(r!)));
  });
  up.write(messages[0]);
  up.write(messages[1]);
  const staged = (): string[] => readdirSync(tmp).filter((f) => f !== 'left-by-a-stopped-replica.part');
  for (let i = 0; i < 200 && staged().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(staged().length, 1, 'replica A staged the upload');

  // Replica B stops hard and starts again: its start-up collection runs meanwhile.
  const b = replicas[1]!;
  b.client.close();
  await b.proc.stop('SIGKILL');
  replicas[1] = await startReplica(b.port);
  assert.ok(
    logs.some((l) => /removed 1 unfinished upload file\(s\) and 1 unreferenced blob\(s\)/.test(l)),
    'the new replica reports what it removed',
  );
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(orphan), false);
  assert.equal(staged().length, 1, "replica A's upload in progress is still staged");

  for (const m of messages.slice(2)) up.write(m);
  up.end();
  const model = (await done).model!;
  assert.equal(model.version, 1);
  assert.deepEqual(await download(replicas[1]!.client, 'slow-model', 1), slow);
  // Everything the first tests registered is still served whole.
  assert.deepEqual(await download(replicas[1]!.client, 'shared-model', 1), sharedModel);
});
