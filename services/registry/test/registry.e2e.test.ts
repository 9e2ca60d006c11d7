/**
 * The registry over real gRPC on a free port: chunked upload/download, genotypes, aliases,
 * datasets, health, and one case per bad-input class with its exact status code and an
 * unchanged registry afterwards.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { INestMicroservice } from '@nestjs/common';
import { encodeNifti, encodePngGray, makeVolume } from '../../../libs/data/src/index.js';
import { referenceGenotype } from '../../../libs/nas/src/index.js';
import {
  checkHealth,
  createHealthClient,
  createRegistryClient,
  findFreePort,
  registerDatasetMessages,
  unary,
  uploadModelMessages,
  type CreateGenotypeRequest,
  type CreateGenotypeResponse__Output,
  type DownloadDatasetResponse__Output,
  type DownloadModelResponse__Output,
  type GetGenotypeRequest,
  type GetGenotypeResponse__Output,
  type GetModelRequest,
  type GetModelResponse__Output,
  type ListModelsRequest,
  type ListModelsResponse__Output,
  type ModelMetadata,
  type ModelRegistryServiceClient,
  type RegisterDatasetResponse__Output,
  type RegisterDatasetUriRequest,
  type RegisterDatasetUriResponse__Output,
  type SetAliasRequest,
  type SetAliasResponse__Output,
  type UploadModelResponse__Output,
} from '../../../libs/rpc/src/index.js';
import { registerDataset } from '../../../test/support/grpc.js';
import { smallBundle } from '../../../test/support/model-bundle.js';
import { syntheticFiles } from '../../../test/support/synthetic.js';
import { RegistryConfigSchema } from '../src/config.js';
import { createRegistryApp } from '../src/registry.options.js';

const MAX_MODEL_BYTES = 200_000;
const GENOTYPE = referenceGenotype('v2');

let dataDir: string;
/** The one folder file:// datasets may name. */
let sharedDir: string;
let app: INestMicroservice;
let client: ModelRegistryServiceClient;
let address: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-e2e-'));
  sharedDir = await mkdtemp(join(tmpdir(), 'registry-e2e-shared-'));
  const port = await findFreePort();
  address = `127.0.0.1:${port}`;
  const config = RegistryConfigSchema.parse({
    NASUNET_HOST: '127.0.0.1',
    NASUNET_PORT: String(port),
    NASUNET_DATA_DIR: dataDir,
    // The data directory is listed too, as a careless operator might: it stays unreadable.
    NASUNET_DATASET_ROOTS: `${sharedDir}:${dataDir}`,
    REGISTRY_MAX_MODEL_BYTES: String(MAX_MODEL_BYTES),
    NASUNET_BACKEND: 'cpu',
  });
  ({ app } = await createRegistryApp(config, { logger: false }));
  await app.listen();
  client = createRegistryClient(address);
});

after(async () => {
  client.close();
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(sharedDir, { recursive: true, force: true });
});

function bytesOf(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) % 251);
}

function upload(
  metadata: ModelMetadata,
  artifacts: Record<string, Uint8Array>,
  chunkBytes = 64 * 1024,
): Promise<UploadModelResponse__Output> {
  return new Promise((resolve, reject) => {
    const call = client.uploadModel({ deadline: Date.now() + 30_000 }, (err, res) =>
      err ? reject(err) : resolve(res!),
    );
    for (const m of uploadModelMessages(metadata, Object.entries(artifacts), chunkBytes)) call.write(m);
    call.end();
  });
}

async function download(
  model: GetModelRequest['model'],
): Promise<{ version: number; artifacts: Record<string, Buffer> }> {
  const parts: DownloadModelResponse__Output[] = [];
  for await (const m of client.downloadModel({ model }, { deadline: Date.now() + 30_000 }))
    parts.push(m as DownloadModelResponse__Output);
  const artifacts: Record<string, Buffer> = {};
  for (const p of parts.slice(1))
    artifacts[p.chunk!.artifactName] = Buffer.concat([
      artifacts[p.chunk!.artifactName] ?? Buffer.alloc(0),
      p.chunk!.data,
    ]);
  return { version: parts[0]!.model!.version, artifacts };
}

const getModel = (model: GetModelRequest['model']) =>
  unary<GetModelRequest, GetModelResponse__Output>(client.getModel.bind(client), { model });
const listModels = (name = '') =>
  unary<ListModelsRequest, ListModelsResponse__Output>(client.listModels.bind(client), { name });
const createGenotype = (req: CreateGenotypeRequest) =>
  unary<CreateGenotypeRequest, CreateGenotypeResponse__Output>(client.createGenotype.bind(client), req);
const setAlias = (req: SetAliasRequest) =>
  unary<SetAliasRequest, SetAliasResponse__Output>(client.setAlias.bind(client), req);

/** Everything stored: model and genotype listings plus every blob on disk. */
async function snapshot(): Promise<string> {
  const models = (await listModels()).models.map((m) => `${m.name}@${m.version}:${m.aliases.join(',')}`);
  const genotypes = (
    (await unary(client.listGenotypes.bind(client), { name: '' })) as {
      genotypes: Array<{ name: string; version: number }>;
    }
  ).genotypes.map((g) => `${g.name}@${g.version}`);
  const blobs: string[] = [];
  const root = join(dataDir, 'registry', 'artifacts', 'sha256');
  for (const d of await readdir(root).catch(() => [] as string[]))
    blobs.push(...(await readdir(join(root, d))));
  const tmp = await readdir(join(dataDir, 'registry', 'artifacts', 'tmp')).catch(() => [] as string[]);
  return JSON.stringify({ models, genotypes, blobs: blobs.sort(), tmp });
}

async function expectStatus(p: Promise<unknown>, code: grpc.status): Promise<void> {
  await assert.rejects(p, (e: grpc.ServiceError) => {
    assert.equal(e.code, code, `expected ${grpc.status[code]}, got ${grpc.status[e.code]}: ${e.details}`);
    return true;
  });
}

test('health reports SERVING after start', async () => {
  const h = createHealthClient(address);
  try {
    assert.equal(await checkHealth(h, 'nasunet.v1.ModelRegistryService'), 'SERVING');
    assert.equal(await checkHealth(h, ''), 'SERVING');
  } finally {
    h.close();
  }
});

test('genotype, chunked model upload, identical download, aliases and lineage', async () => {
  const g = await createGenotype({
    name: 'cells',
    genotypeJson: JSON.stringify(GENOTYPE),
    lineage: { datasetDigest: 'sha256:' + '0'.repeat(64), searchJobId: 'search-1' },
    alphaHistoryJson: '[{"epoch":1}]',
  });
  assert.equal(g.genotype?.version, 1);
  const back = await unary<GetGenotypeRequest, GetGenotypeResponse__Output>(client.getGenotype.bind(client), {
    genotype: { name: 'cells', version: 0 },
  });
  assert.deepEqual(JSON.parse(back.genotype!.genotypeJson), GENOTYPE);
  assert.deepEqual(
    [back.genotype!.version, back.genotype!.alphaHistoryJson, back.genotype!.lineage!.searchJobId],
    [1, '[{"epoch":1}]', 'search-1'],
  );
  const classNames = ['background', 'prostate'];
  const bundle = await smallBundle(32, { architecture: 'nasunet', genotype: GENOTYPE, classNames });
  const weights = bundle.get('weights.bin')!;
  const meta: ModelMetadata = {
    name: 'prostate',
    architecture: 'nasunet',
    genotype: { name: 'cells', version: 0 },
    configJson: '{"in_channels":1}',
    metricsJson: '{"mean_dice":0.8}',
    lineage: { trainingJobId: 'train-7', datasetDigest: 'sha256:' + '0'.repeat(64) },
    classNames,
  };
  const v1 = await upload(
    meta,
    { ...Object.fromEntries(bundle), 'model.json': Buffer.from('{"a":1}') },
    10_000,
  );
  assert.deepEqual(
    [
      v1.model?.version,
      v1.model?.genotype?.name,
      v1.model?.genotype?.version,
      v1.model?.lineage?.trainingJobId,
    ],
    [1, 'cells', 1, 'train-7'],
  );
  assert.deepEqual(
    v1.model?.artifacts.map((a) => [a.name, a.sizeBytes]),
    [
      ['manifest.json', String(bundle.get('manifest.json')!.byteLength)],
      ['model.json', '7'],
      ['weights.bin', String(weights.byteLength)],
    ],
  );
  const v2 = await upload(
    { ...meta, lineage: { ...meta.lineage, trainingJobId: 'train-8' } },
    Object.fromEntries(
      await smallBundle(32, { architecture: 'nasunet', genotype: GENOTYPE, classNames, seed: 2 }),
    ),
  );
  assert.equal(v2.model?.version, 2);

  const got = await download({ name: 'prostate', version: 1 });
  assert.equal(got.version, 1);
  assert.ok(
    Buffer.from(weights).equals(got.artifacts['weights.bin']!),
    'downloaded weights differ from the upload',
  );
  assert.equal(got.artifacts['model.json']!.toString(), '{"a":1}');

  const moved = await setAlias({ name: 'prostate', alias: 'production', version: 1 });
  assert.deepEqual([moved.model?.version, moved.previousVersion], [1, 0]);
  assert.equal((await getModel({ name: 'prostate', alias: 'production' })).model?.version, 1);
  assert.equal((await setAlias({ name: 'prostate', alias: 'production', version: 2 })).previousVersion, 1);
  assert.deepEqual((await getModel({ name: 'prostate', alias: 'production' })).model?.aliases, [
    'production',
  ]);
  assert.equal((await getModel({ name: 'prostate' })).model?.version, 2);
  assert.equal((await download({ name: 'prostate', alias: 'production' })).version, 2);
});

test('datasets: chunked upload with a stable digest, download, and a file:// dataset', async () => {
  const synth = syntheticFiles(1, 32, 3);
  const files: Record<string, Uint8Array> = Object.fromEntries(synth.files);
  const [image] = Object.keys(files).filter((k) => k.startsWith('images/'));
  const totalBytes = Object.values(files).reduce((n, f) => n + f.byteLength, 0);
  const res = await new Promise<RegisterDatasetResponse__Output>((resolve, reject) => {
    const call = client.registerDataset({ deadline: Date.now() + 30_000 }, (err, r) =>
      err ? reject(err) : resolve(r!),
    );
    const metadata = {
      name: 'toy',
      layout: 'DATASET_LAYOUT_IMAGE_PAIRS' as const,
      classNames: synth.classNames,
      caseCount: 1,
    };
    for (const m of registerDatasetMessages(metadata, Object.entries(files), 2048)) call.write(m);
    call.end();
  });
  assert.deepEqual(
    [res.dataset?.fileCount, res.dataset?.sizeBytes, res.dataset?.uri],
    [2, String(totalBytes), 'registry'],
  );

  const parts: DownloadDatasetResponse__Output[] = [];
  for await (const m of client.downloadDataset({ name: 'toy' }))
    parts.push(m as DownloadDatasetResponse__Output);
  const back: Record<string, Buffer> = {};
  for (const p of parts.slice(1))
    back[p.file!.relativePath] = Buffer.concat([back[p.file!.relativePath] ?? Buffer.alloc(0), p.file!.data]);
  for (const [k, v] of Object.entries(files)) assert.ok(Buffer.from(v).equals(back[k]!), k);

  // The same files under a file:// URI give the same digest.
  const dir = join(sharedDir, 'toy');
  for (const [k, v] of Object.entries(files)) {
    await mkdir(join(dir, k, '..'), { recursive: true });
    await writeFile(join(dir, k), v);
  }
  const uriRes = await unary<RegisterDatasetUriRequest, RegisterDatasetUriResponse__Output>(
    client.registerDatasetUri.bind(client),
    {
      metadata: {
        name: 'toy-uri',
        layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
        classNames: synth.classNames,
        caseCount: 1,
      },
      uri: pathToFileURL(dir).href,
    },
  );
  assert.equal(uriRes.dataset?.digest, res.dataset?.digest);

  // Only folders under the allowed roots, never the registry's own data, links included.
  const outside = await mkdtemp(join(tmpdir(), 'registry-e2e-outside-'));
  await writeFile(join(outside, 'x.png'), bytesOf(10, 1));
  await symlink(dataDir, join(sharedDir, 'link-to-data'));
  const before = await snapshot();
  const refused: Array<[string, string]> = [
    ['a folder outside the roots', pathToFileURL(outside).href],
    ['the registry data (listed as a root)', pathToFileURL(join(dataDir, 'registry')).href],
    ['a link from a root into the registry data', pathToFileURL(join(sharedDir, 'link-to-data')).href],
  ];
  for (const [what, uri] of refused) {
    await assert.rejects(
      unary<RegisterDatasetUriRequest, RegisterDatasetUriResponse__Output>(
        client.registerDatasetUri.bind(client),
        {
          metadata: {
            name: 'stolen',
            layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
            classNames: ['bg', 'x'],
            caseCount: 1,
          },
          uri,
        },
      ),
      (e: grpc.ServiceError) =>
        e.code === grpc.status.PERMISSION_DENIED && /upload the files instead/.test(e.details),
      what,
    );
  }
  assert.deepEqual(await snapshot(), before);
  await rm(outside, { recursive: true, force: true });

  // A registered file swapped for a link to the registry's database is not served.
  await rm(join(dir, image!));
  await symlink(join(dataDir, 'registry', 'registry.db'), join(dir, image!));
  const served: DownloadDatasetResponse__Output[] = [];
  await assert.rejects(
    (async () => {
      for await (const m of client.downloadDataset({ name: 'toy-uri' }))
        served.push(m as DownloadDatasetResponse__Output);
    })(),
    (e: grpc.ServiceError) => e.code === grpc.status.PERMISSION_DENIED,
  );
  assert.equal(served.filter((m) => m.file?.relativePath === image && m.file.data.length > 0).length, 0);
});

test('bad input: exact status codes and nothing stored changed', async (t) => {
  const meta: ModelMetadata = { name: 'base', architecture: 'unet', classNames: ['bg', 'fg'] };
  const bundle = Object.fromEntries(await smallBundle(32, { classNames: meta.classNames! }));
  await upload(meta, bundle);
  const before = await snapshot();
  const flipped = Uint8Array.from(bundle['weights.bin']!);
  flipped[0] = flipped[0]! ^ 0xff;
  const manifest = JSON.parse(Buffer.from(bundle['manifest.json']!).toString('utf8')) as {
    weights: Array<{ shape: number[] }>;
  };
  manifest.weights[0]!.shape = [...manifest.weights[0]!.shape, 1];
  const cases: Array<[string, () => Promise<unknown>, grpc.status]> = [
    [
      'invalid genotype (op from the wrong set)',
      () =>
        createGenotype({ name: 'cells', genotypeJson: JSON.stringify({ ...GENOTYPE, down: GENOTYPE.up }) }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'genotype that is not JSON',
      () => createGenotype({ name: 'cells', genotypeJson: '{nodes:' }),
      grpc.status.INVALID_ARGUMENT,
    ],
    ['unknown model', () => getModel({ name: 'nope' }), grpc.status.NOT_FOUND],
    [
      'dataset name that is no name',
      () => unary<{ name: string }, unknown>(client.getDataset.bind(client), { name: '../../etc/passwd' }),
      grpc.status.INVALID_ARGUMENT,
    ],
    ['unknown version', () => getModel({ name: 'base', version: 99 }), grpc.status.NOT_FOUND],
    ['unknown alias', () => getModel({ name: 'base', alias: 'production' }), grpc.status.NOT_FOUND],
    [
      'download of an unknown alias',
      () => download({ name: 'base', alias: 'staging' }),
      grpc.status.NOT_FOUND,
    ],
    [
      'alias to an unknown version',
      () => setAlias({ name: 'base', alias: 'production', version: 5 }),
      grpc.status.NOT_FOUND,
    ],
    [
      'oversized upload',
      () => upload(meta, { w: bytesOf(MAX_MODEL_BYTES - 100, 6), x: bytesOf(200, 7) }),
      grpc.status.RESOURCE_EXHAUSTED,
    ],
    [
      'bad model name',
      () => upload({ ...meta, name: 'Bad Name' }, { w: bytesOf(10, 8) }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'bad alias name',
      () => setAlias({ name: 'base', alias: '-prod', version: 1 }),
      grpc.status.INVALID_ARGUMENT,
    ],
    ['bad artifact name', () => upload(meta, { '../w': bytesOf(10, 9) }), grpc.status.INVALID_ARGUMENT],
    [
      // Records stay small, so no listing page can outgrow a message.
      'config_json over 64 KiB',
      () =>
        upload({ ...meta, configJson: JSON.stringify({ pad: 'x'.repeat(70_000) }) }, { w: bytesOf(10, 9) }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'training_job_id over 128 characters',
      () => upload({ ...meta, lineage: { trainingJobId: 'j'.repeat(129), datasetDigest: '' } }, bundle),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'nasunet without genotype',
      () => upload({ ...meta, architecture: 'nasunet' }, { w: bytesOf(10, 10) }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'placeholder artifacts instead of a model bundle',
      () => upload(meta, { 'weights.bin': bytesOf(1000, 12) }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'manifest that is not JSON',
      () => upload(meta, { ...bundle, 'manifest.json': Buffer.from('{"formatVersion":') }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'weights other than those the manifest was made for',
      () => upload(meta, { ...bundle, 'weights.bin': flipped }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'manifest declaring a tensor shape the network does not have',
      () => upload(meta, { ...bundle, 'manifest.json': Buffer.from(JSON.stringify(manifest)) }),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'bundle of another architecture than the metadata says',
      () => upload({ ...meta, architecture: 'fcdensenet' }, bundle),
      grpc.status.INVALID_ARGUMENT,
    ],
    [
      'model with an unknown genotype',
      () =>
        upload(
          { ...meta, architecture: 'nasunet', genotype: { name: 'ghost', version: 1 } },
          { w: bytesOf(10, 11) },
        ),
      grpc.status.NOT_FOUND,
    ],
  ];
  for (const [name, call, code] of cases) {
    await t.test(name, async () => {
      await expectStatus(call(), code);
      assert.equal(await snapshot(), before, `registry changed after: ${name}`);
    });
  }
});

test('dataset content is checked before anything is stored, naming the file', async () => {
  const synth = syntheticFiles(2, 32, 8);
  const [imageA, imageB] = [...synth.files.keys()].filter((k) => k.startsWith('images/'));
  const maskA = imageA!.replace('images/', 'masks/');
  const register = (name: string, files: Map<string, Uint8Array>, classNames = synth.classNames) =>
    registerDataset(
      client,
      { name, layout: 'DATASET_LAYOUT_IMAGE_PAIRS', classNames, caseCount: files.size / 2 },
      files,
    );
  const listDatasets = async () =>
    (
      (await unary(client.listDatasets.bind(client), {})) as { datasets: Array<{ name: string }> }
    ).datasets.map((d) => d.name);
  const datasetsBefore = await listDatasets();
  const before = await snapshot();
  const withFile = (path: string, bytes: Uint8Array) => new Map([...synth.files, [path, bytes]]);
  const volume = (shape: [number, number, number]) =>
    makeVolume(
      Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => i % 2),
      shape,
    );
  // NIfTI pairs (images/ + labels/): case 0 good, case 1 with the given label file.
  const nifti = (label1: Uint8Array) =>
    new Map([
      ['images/case0.nii.gz', encodeNifti(volume([8, 8, 2]), 'float32', true)],
      ['labels/case0.nii.gz', encodeNifti(volume([8, 8, 2]), 'uint8', true)],
      ['images/case1.nii.gz', encodeNifti(volume([8, 8, 2]), 'float32', true)],
      ['labels/case1.nii.gz', label1],
    ]);
  const cases: Array<[string, Map<string, Uint8Array>, RegExp, string[]?]> = [
    ['text sent as a PNG', withFile(imageA!, Buffer.from('patient notes, not pixels')), /images\/.*\.png/],
    ['a zero-byte image', withFile(imageB!, new Uint8Array(0)), /images\/.*\.png/],
    [
      'a mask whose shape differs from its image',
      withFile(maskA, encodePngGray(new Uint8Array(16 * 32), 16, 32)),
      /masks\/.*\.png|shape/,
    ],
    ['labels with more classes than class_names names', synth.files, /class/, ['background', 'organ']],
    [
      'text sent as a NIfTI',
      nifti(Buffer.from('not a volume')),
      /labels\/case1\.nii\.gz/,
      ['background', 'organ'],
    ],
    [
      'a NIfTI mask whose shape differs from its volume',
      nifti(encodeNifti(volume([8, 8, 3]), 'uint8', true)),
      /case1.*shape|shape.*case1/,
      ['background', 'organ'],
    ],
  ];
  for (const [what, files, named, classNames] of cases) {
    await assert.rejects(
      register('bad-content', files, classNames),
      (e: grpc.ServiceError) =>
        e.code === grpc.status.INVALID_ARGUMENT && named.test(e.details) && !e.details.includes(dataDir),
      what,
    );
  }
  // The same checks for a server folder.
  const dir = join(sharedDir, 'bad-content');
  for (const [k, v] of withFile(imageA!, Buffer.from('not an image'))) {
    await mkdir(join(dir, k, '..'), { recursive: true });
    await writeFile(join(dir, k), v);
  }
  await assert.rejects(
    unary(client.registerDatasetUri.bind(client), {
      metadata: {
        name: 'bad-content-uri',
        layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
        classNames: synth.classNames,
        caseCount: 2,
      },
      uri: pathToFileURL(dir).href,
    }),
    (e: grpc.ServiceError) =>
      e.code === grpc.status.INVALID_ARGUMENT &&
      /images\/.*\.png/.test(e.details) &&
      !e.details.includes(dir),
  );
  assert.deepEqual(await listDatasets(), datasetsBefore);
  assert.equal(await snapshot(), before, 'nothing stored');
  // The good files are accepted.
  await register('good-content', synth.files);
});

test('listing pages are cut by bytes: large records never overflow a page, and paging reaches every one', async () => {
  // 20 versions of about 60 KiB each (config_json just under its 64 KiB limit) make 1.2 MB,
  // more than one page may carry (1 MiB) though fewer than its default count (100).
  const classNames = ['bg', 'fg'];
  const bundle = Object.fromEntries(await smallBundle(32, { classNames, seed: 4 }));
  const configJson = JSON.stringify({ pad: 'x'.repeat(60_000) });
  for (let i = 0; i < 20; i++)
    await upload({ name: 'wide', architecture: 'unet', classNames, configJson, metricsJson: '{}' }, bundle);
  const pages: Array<{ versions: number[]; bytes: number; next: string }> = [];
  let pageToken = '';
  do {
    const res = await unary<ListModelsRequest, ListModelsResponse__Output>(client.listModels.bind(client), {
      name: 'wide',
      page: { pageSize: 0, pageToken },
    });
    pages.push({
      versions: res.models.map((m) => m.version),
      bytes: res.models.reduce((n, m) => n + m.configJson.length, 0),
      next: res.nextPageToken,
    });
    pageToken = res.nextPageToken;
  } while (pageToken !== '' && pages.length < 20);
  assert.ok(pages.length >= 2, `one page carried all ${pages[0]!.versions.length} versions`);
  assert.ok(
    pages.every((p) => p.bytes <= 1024 * 1024),
    JSON.stringify(pages.map((p) => p.bytes)),
  );
  assert.deepEqual(
    pages.flatMap((p) => p.versions).sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
});
