/**
 * Uploads that do not complete leave nothing behind (no record, no blob, no `.part` file),
 * over real gRPC on a free port: a client that cancels mid-stream, a deadline that passes
 * mid-stream, bytes that differ from what the metadata declared. A failed upload never
 * removes a blob that a committed record names, and a job's result sent twice is one
 * version.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { INestMicroservice } from '@nestjs/common';
import { sha256Digest } from '../../../libs/core/src/index.js';
import { referenceGenotype } from '../../../libs/nas/src/index.js';
import {
  createRegistryClient,
  findFreePort,
  registerDatasetMessages,
  unary,
  uploadModelMessages,
  type CreateGenotypeRequest,
  type CreateGenotypeResponse__Output,
  type DatasetMetadata,
  type DownloadModelResponse__Output,
  type ListDatasetsRequest,
  type ListDatasetsResponse__Output,
  type ListGenotypesRequest,
  type ListGenotypesResponse__Output,
  type ListModelsRequest,
  type ListModelsResponse__Output,
  type ModelMetadata,
  type ModelRegistryServiceClient,
  type RegisterDatasetRequest,
  type UploadModelRequest,
} from '../../../libs/rpc/src/index.js';
import { RegistryConfigSchema } from '../src/config.js';
import { createRegistryApp } from '../src/registry.options.js';
import { smallBundle } from '../../../test/support/model-bundle.js';

const MiB = 1024 * 1024;
let dataDir: string;
let app: INestMicroservice;
let client: ModelRegistryServiceClient;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-uploads-'));
  const port = await findFreePort();
  const config = RegistryConfigSchema.parse({
    NASUNET_HOST: '127.0.0.1',
    NASUNET_PORT: String(port),
    NASUNET_DATA_DIR: dataDir,
    NASUNET_BACKEND: 'cpu',
  });
  ({ app } = await createRegistryApp(config, { logger: false }));
  await app.listen();
  client = createRegistryClient(`127.0.0.1:${port}`);
});

after(async () => {
  client.close();
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

const artifactsDir = (): string => join(dataDir, 'registry', 'artifacts');

function bytesOf(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) % 251);
}

const MODEL: ModelMetadata = { name: 'prostate', architecture: 'unet', classNames: ['bg', 'prostate'] };
const DATASET: DatasetMetadata = {
  name: 'toy',
  layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
  classNames: ['bg', 'organ'],
  caseCount: 1,
};

/** Records, blobs and staged files: everything an upload could leave. */
async function contents(): Promise<string> {
  const { models } = await unary<ListModelsRequest, ListModelsResponse__Output>(
    client.listModels.bind(client),
    {},
  );
  const { genotypes } = await unary<ListGenotypesRequest, ListGenotypesResponse__Output>(
    client.listGenotypes.bind(client),
    {},
  );
  const { datasets } = await unary<ListDatasetsRequest, ListDatasetsResponse__Output>(
    client.listDatasets.bind(client),
    {},
  );
  const blobs: string[] = [];
  for (const d of await readdir(join(artifactsDir(), 'sha256')).catch(() => [] as string[]))
    blobs.push(...(await readdir(join(artifactsDir(), 'sha256', d))));
  return JSON.stringify({
    models: models.map((m) => `${m.name}@${m.version}`),
    genotypes: genotypes.map((g) => `${g.name}@${g.version}`),
    datasets: datasets.map((d) => d.name),
    blobs: blobs.sort(),
    staged: await readdir(join(artifactsDir(), 'tmp')).catch(() => [] as string[]),
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once the registry holds a staged file of exactly `bytes` bytes (it received them). */
function staged(bytes: number): Promise<void> {
  return waitFor(`a staged file of ${bytes} bytes`, async () => {
    const dir = join(artifactsDir(), 'tmp');
    for (const n of await readdir(dir).catch(() => [] as string[]))
      if ((await stat(join(dir, n)).catch(() => undefined))?.size === bytes) return true;
    return false;
  });
}

/** Nothing staged any more: the registry finished with the failed call. */
const drained = (): Promise<void> =>
  waitFor('the staged files to go', async () => (await readdir(join(artifactsDir(), 'tmp'))).length === 0);

type Outcome = { code: grpc.status | 'ok'; details: string; version?: number };

/** Opens a client stream; `outcome` settles with the call's status. */
function open<Req>(
  method: 'uploadModel' | 'registerDataset',
  deadlineMs = 30_000,
): { call: grpc.ClientWritableStream<Req>; outcome: Promise<Outcome> } {
  let call!: grpc.ClientWritableStream<Req>;
  const outcome = new Promise<Outcome>((resolve) => {
    const done = (err: grpc.ServiceError | null, res?: { model?: { version: number } | null }): void =>
      resolve(
        err
          ? { code: err.code, details: err.details }
          : { code: 'ok', details: '', ...(res?.model ? { version: res.model.version } : {}) },
      );
    call = (client[method] as unknown as (o: grpc.CallOptions, cb: typeof done) => typeof call).call(
      client,
      { deadline: Date.now() + deadlineMs },
      done,
    );
  });
  return { call, outcome };
}

/** Sends `messages` and half-closes. */
function send<Req>(messages: Iterable<Req>, method: 'uploadModel' | 'registerDataset'): Promise<Outcome> {
  const { call, outcome } = open<Req>(method);
  for (const m of messages) call.write(m);
  call.end();
  return outcome;
}

async function downloadBytes(name: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const m of client.downloadModel({ model: { name } }, { deadline: Date.now() + 30_000 }))
    if ((m as DownloadModelResponse__Output).chunk)
      parts.push((m as DownloadModelResponse__Output).chunk!.data);
  return Buffer.concat(parts);
}

test('a model upload the client cancels mid-stream stores nothing', async () => {
  const before = await contents();
  const [metadata, first] = uploadModelMessages(MODEL, [['weights.bin', bytesOf(3 * MiB, 1)]], MiB);
  const { call, outcome } = open<UploadModelRequest>('uploadModel');
  call.write(metadata!);
  call.write(first!);
  await staged(MiB);
  call.cancel();
  assert.equal((await outcome).code, grpc.status.CANCELLED);
  await drained();
  assert.equal(await contents(), before, 'the 1 MiB prefix must not become a model version');
});

test('an upload cancelled after its last byte but before the half-close stores nothing', async () => {
  const before = await contents();
  const bundle = await smallBundle(32, { classNames: MODEL.classNames!, seed: 3 });
  const { call, outcome } = open<UploadModelRequest>('uploadModel');
  for (const m of uploadModelMessages({ ...MODEL, name: 'unfinished' }, bundle, 4096)) call.write(m);
  // Every byte is staged (the last artifact complete), then the client cancels without half-closing.
  await staged(bundle.get('weights.bin')!.byteLength);
  call.cancel();
  assert.equal((await outcome).code, grpc.status.CANCELLED);
  await drained();
  // Long enough for a commit that was under way to show.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await contents(), before, 'a complete but unconfirmed upload must not become a version');
});

test('a dataset upload whose deadline passes mid-stream stores nothing', async () => {
  const before = await contents();
  const files: Array<[string, Uint8Array]> = [
    ['images/a.png', bytesOf(200_000, 2)],
    ['masks/a.png', bytesOf(50_000, 3)],
  ];
  const [metadata, first] = registerDatasetMessages(DATASET, files, 64 * 1024);
  const { call, outcome } = open<RegisterDatasetRequest>('registerDataset', 1500);
  call.write(metadata!);
  call.write(first!);
  assert.equal((await outcome).code, grpc.status.DEADLINE_EXCEEDED);
  await drained();
  assert.equal(await contents(), before);
});

test('bytes other than the declared ones: refused, nothing stored', async (t) => {
  const weights = bytesOf(100_000, 4);
  const declared = (size: number, digest: string): UploadModelRequest => ({
    metadata: { ...MODEL, artifacts: [{ name: 'weights.bin', sizeBytes: size, digest }] },
  });
  const chunk = (data: Uint8Array): UploadModelRequest => ({ chunk: { artifactName: 'weights.bin', data } });
  const before = await contents();
  const cases: Array<[string, UploadModelRequest[], grpc.status]> = [
    [
      'fewer bytes, then a half-close',
      [declared(weights.length, sha256Digest(weights)), chunk(weights.subarray(0, 60_000))],
      grpc.status.DATA_LOSS,
    ],
    [
      'as many bytes, other content',
      [declared(weights.length, sha256Digest(weights)), chunk(bytesOf(100_000, 5))],
      grpc.status.DATA_LOSS,
    ],
    [
      'more bytes than declared',
      [declared(60_000, sha256Digest(weights.subarray(0, 60_000))), chunk(weights)],
      grpc.status.DATA_LOSS,
    ],
    [
      'an artifact not declared',
      [
        declared(weights.length, sha256Digest(weights)),
        { chunk: { artifactName: 'extra.bin', data: weights } },
      ],
      grpc.status.INVALID_ARGUMENT,
    ],
    ['no declaration', [{ metadata: MODEL }, chunk(weights)], grpc.status.INVALID_ARGUMENT],
    [
      'a malformed digest',
      [declared(weights.length, 'sha256:abc'), chunk(weights)],
      grpc.status.INVALID_ARGUMENT,
    ],
  ];
  for (const [name, messages, code] of cases) {
    await t.test(name, async () => {
      const got = await send(messages, 'uploadModel');
      assert.equal(got.code, code, `${name}: ${got.details}`);
      assert.doesNotMatch(got.details, new RegExp(dataDir), 'no server paths in messages');
      await drained();
      assert.equal(await contents(), before, name);
    });
  }
  const bundle = await smallBundle(32, { classNames: MODEL.classNames! });
  const ok = await send(uploadModelMessages(MODEL, bundle, 30_000), 'uploadModel');
  assert.equal(ok.code, 'ok', ok.details);
});

test('a failed upload never removes a blob that a committed model names', async () => {
  const keeperBundle = await smallBundle(32, { classNames: MODEL.classNames!, seed: 6 });
  const shared = keeperBundle.get('weights.bin')!;
  // A dataset upload stages `shared` and the first chunk of a second file...
  const failing = open<RegisterDatasetRequest>('registerDataset');
  const messages = [
    ...registerDatasetMessages(
      { ...DATASET, name: 'failing' },
      [
        ['images/a.png', shared],
        ['masks/a.png', bytesOf(100_000, 7)],
      ],
      4096,
    ),
  ];
  // The metadata, every chunk of `shared` and the first of the second file.
  for (const m of messages.slice(0, 2 + Math.ceil(shared.byteLength / 4096))) failing.call.write(m);
  await staged(4096);
  // ...while a model with the same bytes commits...
  const keeper = await send(uploadModelMessages({ ...MODEL, name: 'keeper' }, keeperBundle), 'uploadModel');
  assert.equal(keeper.code, 'ok', keeper.details);
  // ...then the dataset upload fails (a file sent twice).
  failing.call.write({ file: { relativePath: 'images/a.png', data: shared.subarray(0, 10) } });
  failing.call.end();
  assert.equal((await failing.outcome).code, grpc.status.INVALID_ARGUMENT);
  await drained();
  assert.ok(
    (await downloadBytes('keeper')).equals(Buffer.concat([keeperBundle.get('manifest.json')!, shared])),
    "the committed model's bytes are intact",
  );
});

test("a job's result sent twice is registered once", async () => {
  const genotype = (alphaHistoryJson: string) =>
    unary<CreateGenotypeRequest, CreateGenotypeResponse__Output>(client.createGenotype.bind(client), {
      name: 'found',
      genotypeJson: JSON.stringify(referenceGenotype('v2')),
      lineage: { searchJobId: 'search-42' },
      alphaHistoryJson,
    });
  const first = await genotype('[{"epoch":1}]');
  const before = await contents();
  const again = await genotype('[{"epoch":1,"retried":true}]');
  assert.deepEqual(again.genotype, first.genotype);
  assert.equal(await contents(), before, 'no version, no blob added');

  const meta: ModelMetadata = { ...MODEL, name: 'trained', lineage: { trainingJobId: 'train-42' } };
  const bundle = (seed: number) => smallBundle(32, { classNames: MODEL.classNames!, seed });
  const v1 = await send(uploadModelMessages(meta, await bundle(8)), 'uploadModel');
  const afterFirst = await contents();
  const retried = await send(uploadModelMessages(meta, await bundle(9)), 'uploadModel');
  assert.deepEqual([v1.version, retried.version], [1, 1]);
  assert.equal(await contents(), afterFirst, 'no version, no blob added');
});
