/**
 * End to end, real processes and sockets: the four services on free ports; a tiny search
 * -> training -> alias -> segmentation flow through gRPC; then bad input, each with its
 * exact status code and nothing stored changed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { encodeNifti, encodePngGray, makeVolume } from '../libs/data/src/index.js';
import {
  checkHealth,
  createHealthClient,
  createRegistryClient,
  createSearchClient,
  createSegmentationClient,
  createTrainingClient,
  type Dataset__Output,
  type ModelRegistryServiceClient,
  type SearchServiceClient,
  type SegmentationServiceClient,
  type TrainingServiceClient,
  type WatchSearchResponse__Output,
  type WatchTrainingResponse__Output,
  type GetGenotypeResponse__Output,
  type GetModelResponse__Output,
  type ListTrainingsResponse__Output,
  type SegmentResponse__Output,
  type StartSearchResponse__Output,
  type StartTrainingResponse__Output,
  type SegmentVolumeResponse__Output,
  type DownloadModelResponse__Output,
  type UploadModelResponse__Output,
} from '../libs/rpc/src/index.js';
import { startOtlpJsonReceiver, type OtlpReceiver } from '../libs/telemetry/src/index.js';
import { call, collect, newTrace, registerDataset, statusOf } from './support/grpc.js';
import { until } from './support/poll.js';
import { Suite } from './support/suite.js';
import { foregroundDice, syntheticFiles, type SyntheticCase } from './support/synthetic.js';

const SIZE = 32;
const MAX_PIXELS = 64 * 64;
let dataDir: string;
let suite: Suite;
let registry: ModelRegistryServiceClient;
let search: SearchServiceClient;
let training: TrainingServiceClient;
let segmentation: SegmentationServiceClient;
let dataset: Dataset__Output;
let cases: SyntheticCase[];
let receiver: OtlpReceiver | undefined;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nasunet-e2e-'));
  // Every service (libs/telemetry: gRPC instrumentation plus the services' own spans) appends
  // its spans to a file and also exports them as OTLP/HTTP JSON to an in-process receiver.
  receiver = await startOtlpJsonReceiver();
  suite = new Suite(dataDir, {
    NASUNET_MAX_IMAGE_PIXELS: String(MAX_PIXELS),
    // One job may wait while one runs: a third is refused (see the cancellation test).
    NASUNET_MAX_QUEUED_JOBS: '1',
    // One segmentation at a time and one waiting: a third is refused (see the deadline test).
    NASUNET_INFERENCE_QUEUE: '1',
    // Room for the 2 600 slices of 64 x 64 of the deadline test, not for 12 000 slices of
    // 1 x 1 padded to the model's 32 x 32.
    NASUNET_MAX_VOLUME_VOXELS: String(11_000 * SIZE * SIZE),
    NASUNET_TRACE_FILE: join(dataDir, 'spans.jsonl'),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  await suite.start(['registry', 'search', 'training', 'inference']);
  registry = createRegistryClient(suite.address('registry'));
  search = createSearchClient(suite.address('search'));
  training = createTrainingClient(suite.address('training'));
  segmentation = createSegmentationClient(suite.address('inference'));
  const synth = syntheticFiles(10, SIZE, 3);
  cases = synth.cases;
  dataset = await registerDataset(
    registry,
    {
      name: 'synthetic-e2e',
      layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
      classNames: synth.classNames,
      caseCount: cases.length,
    },
    synth.files,
  );
});

after(async () => {
  for (const c of [registry, search, training, segmentation]) c?.close();
  await suite?.stopAll();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function rawImage(c: SyntheticCase) {
  return {
    dtype: 'PIXEL_DTYPE_UINT8',
    height: c.height,
    width: c.width,
    channels: 1,
    data: Buffer.from(c.pixels),
  } as const;
}

interface SpanLine {
  service: string;
  name: string;
  traceId: string;
}

function spans(): SpanLine[] {
  const file = join(dataDir, 'spans.jsonl');
  const fromFile = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as SpanLine)
    : [];
  const received = (receiver?.spans ?? []).map((s) => ({
    service: s.serviceName,
    name: s.name,
    traceId: s.traceId,
  }));
  return [...fromFile, ...received];
}

const traces = { search: newTrace(), training: newTrace(), segment: newTrace() };

test('search -> train -> register -> alias -> segment through gRPC', { timeout: 480_000 }, async () => {
  const started = await call<StartSearchResponse__Output>(
    search,
    'startSearch',
    {
      dataset: { name: dataset.name },
      searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
      budget: { maxEpochs: 1 },
      seed: 1,
      genotypeName: 'e2e-genotype',
      hyperParameters: { batchSize: 2, imageSize: SIZE },
    },
    30_000,
    traces.search.metadata,
  );
  const searchId = started.job!.jobId;
  assert.equal(started.job!.state, 'JOB_STATE_QUEUED');
  assert.equal(started.job!.dataset!.digest, dataset.digest);
  const searchEvents = await collect<WatchSearchResponse__Output>(
    search.watchSearch({ jobId: searchId }, { deadline: Date.now() + 300_000 }),
  );
  const searchEnd = searchEvents.at(-1)!;
  assert.equal(searchEnd.state?.state, 'JOB_STATE_DONE', JSON.stringify(searchEnd));
  assert.deepEqual(searchEnd.state?.resultGenotype, { name: 'e2e-genotype', version: 1 });
  assert.ok(
    searchEvents.some((e) => e.event === 'step'),
    'step events are streamed',
  );
  const epochEvent = searchEvents.find((e) => e.event === 'epoch')!;
  assert.equal(epochEvent.epoch!.alphas.length, 3);
  // The default search space leaves up_dil_conv out: the job says so, and its weight is 0.
  assert.deepEqual(started.job!.searchSpace!.excludedOps, ['up_dil_conv']);
  assert.equal(started.job!.searchSpace!.allOps, false);
  // Unset knobs come back as the values the job runs with (the spec's alpha learning rate).
  assert.equal(started.job!.hyperParameters!.alphaLearningRate, 3e-4);
  const up = epochEvent.epoch!.alphas.find((m) => m.kind === 'up')!;
  const col = up.ops.indexOf('up_dil_conv');
  assert.ok(col >= 0 && up.values.length === up.edges * up.ops.length);
  for (let e = 0; e < up.edges; e++) {
    assert.equal(up.values[e * up.ops.length + col], 0);
    assert.ok(up.values[e * up.ops.length]! > 0);
  }

  const geno = await call<GetGenotypeResponse__Output>(registry, 'getGenotype', {
    genotype: { name: 'e2e-genotype', version: 0 },
  });
  assert.equal(geno.genotype!.version, 1);
  assert.equal(geno.genotype!.lineage!.searchJobId, searchId);
  assert.equal(geno.genotype!.lineage!.datasetDigest, dataset.digest);
  assert.deepEqual(JSON.parse(geno.genotype!.genotypeJson), JSON.parse(epochEvent.epoch!.genotypeJson));

  const trainStart = await call<StartTrainingResponse__Output>(
    training,
    'startTraining',
    {
      genotype: { name: 'e2e-genotype', version: 1 },
      dataset: { name: dataset.name },
      hyperParameters: {
        epochs: 12,
        batchSize: 2,
        learningRate: 0.01,
        initChannels: 4,
        depth: 2,
        imageSize: SIZE,
        validationFraction: 0.2,
      },
      seed: 1,
      modelName: 'e2e-model',
    },
    30_000,
    traces.training.metadata,
  );
  const trainId = trainStart.job!.jobId;
  const trainEvents = await collect<WatchTrainingResponse__Output>(
    training.watchTraining({ jobId: trainId }, { deadline: Date.now() + 300_000 }),
  );
  const trainEnd = trainEvents.at(-1)!;
  assert.equal(trainEnd.state?.state, 'JOB_STATE_DONE', JSON.stringify(trainEnd));
  assert.equal(trainEnd.state?.resultModel?.version, 1);
  // Job listings count steps, not only epochs: a long epoch shows its progress.
  const steps = trainEvents.filter((e) => e.step !== null && e.step !== undefined).map((e) => e.step!);
  assert.ok(steps.length > 0, 'no step events');
  assert.ok(steps.every((e) => e.totalSteps === steps[0]!.totalSteps && e.totalSteps >= e.step));
  const listed = await call<ListTrainingsResponse__Output>(training, 'listTrainings', {});
  const job = listed.jobs.find((j) => j.jobId === trainId)!;
  assert.equal(job.step, steps.at(-1)!.step);
  assert.equal(job.totalSteps, job.step);
  assert.equal(job.etaSeconds, -1);

  const model = await call<GetModelResponse__Output>(registry, 'getModel', {
    model: { name: 'e2e-model', version: 1 },
  });
  assert.equal(model.model!.lineage!.trainingJobId, trainId);
  assert.equal(model.model!.lineage!.datasetDigest, dataset.digest);
  assert.deepEqual(model.model!.genotype, { name: 'e2e-genotype', version: 1 });
  const weightsDigest = model.model!.artifacts.find((a) => a.name === 'weights.bin')!.digest;

  await call(registry, 'setAlias', { name: 'e2e-model', alias: 'production', version: 1 });
  const c = cases[0]!;
  const seg = await call<SegmentResponse__Output>(
    segmentation,
    'segment',
    { model: { name: 'e2e-model', alias: 'production' }, raw: rawImage(c) },
    30_000,
    traces.segment.metadata,
  );
  assert.deepEqual(seg.model, { name: 'e2e-model', version: 1, alias: 'production', weightsDigest });
  assert.equal(seg.mask!.height, SIZE);
  assert.equal(seg.mask!.width, SIZE);
  const mask = new Uint8Array(seg.mask!.data);
  assert.equal(mask.length, SIZE * SIZE);
  const dice = foregroundDice(mask, c.labels, 3);
  assert.ok(dice > 0.3, `foreground Dice ${dice.toFixed(3)} should exceed 0.3`);
  const counted = seg.classVolumes.reduce((s, v) => s + Number(v.voxelCount), 0);
  assert.equal(counted, SIZE * SIZE);

  // The same image as PNG gives the same mask.
  const { files } = syntheticFiles(1, SIZE, 3);
  const png = files.get(`images/${c.id}.png`)!;
  const segPng = await call<SegmentResponse__Output>(segmentation, 'segment', {
    model: { name: 'e2e-model', version: 1 },
    png: Buffer.from(png),
  });
  assert.deepEqual(new Uint8Array(segPng.mask!.data), mask);

  // A volume of two slices as NIfTI: the label volume comes back in chunks.
  const vol = makeVolume(
    Float32Array.from([...cases[0]!.pixels, ...cases[1]!.pixels]),
    [SIZE, SIZE, 2],
    [0.5, 0.5, 2],
  );
  const nifti = encodeNifti(vol, 'float32');
  const stream = segmentation.segmentVolume({ deadline: Date.now() + 60_000 });
  const replies = new Promise<SegmentVolumeResponse__Output[]>((resolve, reject) => {
    const out: SegmentVolumeResponse__Output[] = [];
    stream.on('data', (m: SegmentVolumeResponse__Output) => out.push(m));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
  stream.write({
    header: { model: { name: 'e2e-model', alias: 'production' }, format: 'VOLUME_INPUT_FORMAT_NIFTI' },
  });
  stream.write({ niftiChunk: Buffer.from(nifti.subarray(0, 1000)) });
  stream.write({ niftiChunk: Buffer.from(nifti.subarray(1000)) });
  stream.end();
  const out = await replies;
  const summary = out[0]!.summary!;
  assert.equal(summary.depth, 2);
  assert.equal(summary.model!.version, 1);
  const volMask = Buffer.concat(out.slice(1).map((m) => m.maskChunk!));
  assert.equal(volMask.length, SIZE * SIZE * 2);
  assert.equal(Number(summary.maskSizeBytes), volMask.length);
  assert.equal(
    summary.classVolumes.reduce((s, v) => s + Number(v.voxelCount), 0),
    SIZE * SIZE * 2,
  );
  assert.equal(
    summary.classVolumes[0]!.volumeMm3,
    Number(summary.classVolumes[0]!.voxelCount) * 0.5 * 0.5 * 2,
  );

  // Version 2 (same artifacts, uploaded again, declared as v1 lists them; not from v1's
  // training job, which has its version); moving the alias makes inference reload.
  const parts = await collect<DownloadModelResponse__Output>(
    registry.downloadModel({ model: { name: 'e2e-model', version: 1 } }, { deadline: Date.now() + 60_000 }),
  );
  const v1 = parts[0]!.model!;
  const v2 = await new Promise<UploadModelResponse__Output>((resolve, reject) => {
    const up = registry.uploadModel({ deadline: Date.now() + 60_000 }, (err, res) =>
      err ? reject(err) : resolve(res!),
    );
    up.write({
      metadata: {
        name: 'e2e-model',
        architecture: v1.architecture,
        genotype: v1.genotype,
        configJson: v1.configJson,
        metricsJson: v1.metricsJson,
        lineage: { ...v1.lineage, trainingJobId: '' },
        classNames: v1.classNames,
        artifacts: v1.artifacts,
      },
    });
    for (const p of parts.slice(1)) up.write({ chunk: p.chunk });
    up.end();
  });
  assert.equal(v2.model!.version, 2);
  await call(registry, 'setAlias', { name: 'e2e-model', alias: 'production', version: 2 });
  const seg2 = await call<SegmentResponse__Output>(segmentation, 'segment', {
    model: { name: 'e2e-model', alias: 'production' },
    raw: rawImage(c),
  });
  assert.equal(seg2.model!.version, 2, 'the moved alias is followed');
  assert.equal(seg2.model!.alias, 'production');
  assert.deepEqual(new Uint8Array(seg2.mask!.data), mask, 'same weights, same mask');
});

test('the spans of one flow share its trace id across processes', { timeout: 60_000 }, async () => {
  // The registry exports in batches: wait until its spans of both flows arrived.
  const registryHas = (traceId: string) =>
    (receiver?.spans ?? []).some((s) => s.serviceName === 'nasunet-registry' && s.traceId === traceId);
  await receiver!.waitFor(() => registryHas(traces.search.traceId) && registryHas(traces.segment.traceId));
  const all = spans();
  const of = (traceId: string) => all.filter((s) => s.traceId === traceId);
  const searchTrace = of(traces.search.traceId);
  const names = (list: SpanLine[]) => new Set(list.map((s) => `${s.service}:${s.name}`));
  const searchNames = names(searchTrace);
  for (const n of [
    'nasunet-search:SearchController/startSearch',
    'nasunet-search:search.job',
    'nasunet-search:search.epoch',
  ]) {
    assert.ok(searchNames.has(n), `${n} in the search trace: ${[...searchNames].join(', ')}`);
  }
  const trainNames = names(of(traces.training.traceId));
  for (const n of [
    'nasunet-training:TrainingController/startTraining',
    'nasunet-training:training.job',
    'nasunet-training:training.epoch',
  ]) {
    assert.ok(trainNames.has(n), `${n} in the training trace: ${[...trainNames].join(', ')}`);
  }
  const segNames = names(of(traces.segment.traceId));
  for (const n of ['decode', 'preprocess', 'model', 'encode']) {
    assert.ok(
      segNames.has(`nasunet-inference:inference.${n}`),
      `inference.${n} in the segmentation trace: ${[...segNames].join(', ')}`,
    );
  }
  // When the registry exports spans too, its handling of the job's calls is in the same trace.
  if (all.some((s) => s.service === 'nasunet-registry')) {
    assert.ok(
      searchTrace.some((s) => s.service === 'nasunet-registry'),
      'registry spans in the search trace',
    );
    assert.ok(
      of(traces.segment.traceId).some((s) => s.service === 'nasunet-registry'),
      'registry spans in the segmentation trace',
    );
  }
  // No span of one flow leaks into another.
  assert.equal(searchTrace.filter((s) => s.service === 'nasunet-inference').length, 0);
});

test('bad input: exact status codes and nothing stored changed', { timeout: 120_000 }, async () => {
  const snapshot = async () =>
    JSON.stringify([
      await call(registry, 'listDatasets', {}),
      await call(registry, 'listGenotypes', {}),
      await call(registry, 'listModels', {}),
      await call(search, 'listSearches', {}),
      await call(training, 'listTrainings', {}),
    ]);
  const before = await snapshot();
  const model = { name: 'e2e-model', version: 1 };
  const c = cases[0]!;
  const badGenotype = JSON.stringify({ version: 1, nodes: 2, down: [['no_such_op', 0]], up: [] });
  const cases_: Array<[string, () => Promise<unknown>, number]> = [
    [
      'invalid genotype (registry)',
      () => call(registry, 'createGenotype', { name: 'bad-genotype', genotypeJson: badGenotype }),
      status.INVALID_ARGUMENT,
    ],
    [
      'unknown model',
      () => call(segmentation, 'segment', { model: { name: 'no-such-model' }, raw: rawImage(c) }),
      status.NOT_FOUND,
    ],
    [
      'unknown alias',
      () =>
        call(segmentation, 'segment', { model: { name: 'e2e-model', alias: 'staging' }, raw: rawImage(c) }),
      status.NOT_FOUND,
    ],
    [
      'unknown genotype for training',
      () =>
        call(training, 'startTraining', {
          genotype: { name: 'no-such-genotype' },
          dataset: { name: dataset.name },
          modelName: 'x',
        }),
      status.NOT_FOUND,
    ],
    [
      'unknown dataset for search',
      () =>
        call(search, 'startSearch', {
          dataset: { name: 'no-such-dataset' },
          searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
          budget: { maxEpochs: 1 },
          genotypeName: 'x',
        }),
      status.NOT_FOUND,
    ],
    [
      'search without budget',
      () =>
        call(search, 'startSearch', {
          dataset: { name: dataset.name },
          searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
          budget: {},
          genotypeName: 'x',
        }),
      status.INVALID_ARGUMENT,
    ],
    [
      'search over the memory limit',
      () =>
        call(search, 'startSearch', {
          dataset: { name: dataset.name },
          searchSpace: { initChannels: 256, depth: 6, nodes: 6 },
          budget: { maxEpochs: 1 },
          genotypeName: 'x',
          hyperParameters: { batchSize: 64, imageSize: 4096 },
        }),
      status.RESOURCE_EXHAUSTED,
    ],
    [
      'corrupt PNG',
      () => call(segmentation, 'segment', { model, png: Buffer.from('\x89PNG\r\n\x1a\nthis is not a png') }),
      status.INVALID_ARGUMENT,
    ],
    [
      'wrong dtype',
      () =>
        call(segmentation, 'segment', { model, raw: { ...rawImage(c), dtype: 'PIXEL_DTYPE_UNSPECIFIED' } }),
      status.INVALID_ARGUMENT,
    ],
    [
      'wrong shape (bytes)',
      () => call(segmentation, 'segment', { model, raw: { ...rawImage(c), height: SIZE + 1 } }),
      status.INVALID_ARGUMENT,
    ],
    [
      'wrong channel count',
      () =>
        call(segmentation, 'segment', {
          model,
          raw: { ...rawImage(c), channels: 3, data: Buffer.alloc(SIZE * SIZE * 3) },
        }),
      status.INVALID_ARGUMENT,
    ],
    [
      'image over the size limit',
      () =>
        call(segmentation, 'segment', {
          model,
          raw: {
            dtype: 'PIXEL_DTYPE_UINT8',
            height: 128,
            width: 128,
            channels: 1,
            data: Buffer.alloc(128 * 128),
          },
        }),
      status.RESOURCE_EXHAUSTED,
    ],
    [
      'request past its deadline',
      () => call(segmentation, 'segment', { model, raw: rawImage(c) }, -1),
      status.DEADLINE_EXCEEDED,
    ],
    [
      'corrupt NIfTI',
      () =>
        new Promise((resolve, reject) => {
          const s = segmentation.segmentVolume({ deadline: Date.now() + 30_000 });
          s.on('data', () => undefined);
          s.on('error', reject);
          s.on('end', resolve);
          s.write({ header: { model, format: 'VOLUME_INPUT_FORMAT_NIFTI' } });
          s.write({ niftiChunk: Buffer.alloc(400, 7) });
          s.end();
        }),
      status.INVALID_ARGUMENT,
    ],
    [
      // A header declaring 1024 x 1024 x 256 float32 voxels in a few hundred gzip bytes:
      // refused from the header, never inflated.
      'NIfTI gzip bomb',
      () => segmentNifti(gzipSync(niftiWithDims(1024, 1024, 256)), model),
      status.RESOURCE_EXHAUSTED,
    ],
    [
      // A legal 128 x 128 PNG of a few hundred bytes, over the 64 x 64 limit: refused from
      // its header, never decoded.
      'PNG declaring more pixels than the limit',
      () => call(segmentation, 'segment', { model, png: encodePngGray(new Uint8Array(128 * 128), 128, 128) }),
      status.RESOURCE_EXHAUSTED,
    ],
    [
      // The same header uncompressed, without its data: the size is refused before the
      // missing bytes are noticed.
      'NIfTI header over the voxel limit',
      () => segmentNifti(niftiWithDims(1024, 1024, 256), model),
      status.RESOURCE_EXHAUSTED,
    ],
    [
      // 48 kB of 1 x 1 slices, padded to the model's 32 x 32 input: 12.3 M voxels of work.
      'NIfTI of 1 x 1 x 12 000 voxels, over the limit once padded',
      () =>
        segmentNifti(
          encodeNifti(makeVolume(new Float32Array(12_000).fill(1), [1, 1, 12_000], [1, 1, 1]), 'float32'),
          model,
        ),
      status.RESOURCE_EXHAUSTED,
    ],
    [
      'NIfTI vox_offset -1000',
      () =>
        segmentNifti(
          editedNifti((v) => v.setFloat32(108, -1000, true)),
          model,
        ),
      status.INVALID_ARGUMENT,
    ],
    [
      'NIfTI with a NaN voxel',
      () =>
        segmentNifti(
          editedNifti((v) => v.setFloat32(352, NaN, true)),
          model,
        ),
      status.INVALID_ARGUMENT,
    ],
    [
      'NIfTI voxel spacing of 3e38 mm',
      () =>
        segmentNifti(
          editedNifti((v) => v.setFloat32(80, 3e38, true)),
          model,
        ),
      status.INVALID_ARGUMENT,
    ],
    [
      // A dataset named after a patient: the name goes back to the caller, never into a span.
      'unknown dataset',
      () => call(registry, 'getDataset', { name: 'doe_john_1970' }),
      status.NOT_FOUND,
    ],
    [
      'implausible slice spacing',
      () =>
        call(segmentation, 'segment', { model, raw: rawImage(c), spacing: { xMm: 1e308, yMm: 1, zMm: 1 } }),
      status.INVALID_ARGUMENT,
    ],
  ];
  for (const [name, run, code] of cases_) {
    assert.equal(await statusOf(run()), code, name);
  }
  assert.equal(await snapshot(), before, 'nothing stored changed');
});

test('a search can be cancelled once; watchers see it end as CANCELLED', { timeout: 120_000 }, async () => {
  const started = await call<StartSearchResponse__Output>(search, 'startSearch', {
    dataset: { name: dataset.name },
    searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
    budget: { maxEpochs: 50 },
    seed: 2,
    genotypeName: 'cancelled-genotype',
    hyperParameters: { batchSize: 2, imageSize: SIZE },
  });
  const jobId = started.job!.jobId;
  const watching = collect<WatchSearchResponse__Output>(
    search.watchSearch({ jobId }, { deadline: Date.now() + 120_000 }),
  );
  const cancelled = await call<{ job: { state: string } }>(search, 'cancelSearch', { jobId });
  assert.equal(cancelled.job.state, 'JOB_STATE_CANCELLED');
  const events = await watching;
  assert.equal(events.at(-1)!.state?.state, 'JOB_STATE_CANCELLED');
  assert.equal(await statusOf(call(search, 'cancelSearch', { jobId })), status.FAILED_PRECONDITION);
  assert.equal(await statusOf(call(search, 'getSearch', { jobId: 'search-unknown' })), status.NOT_FOUND);
  const genotypes = await call<{ genotypes: Array<{ name: string }> }>(registry, 'listGenotypes', {
    name: 'cancelled-genotype',
  });
  assert.equal(genotypes.genotypes.length, 0, 'a cancelled search registers nothing');
});

test(
  'the job queue is bounded: with one job running and one waiting, a third is refused',
  { timeout: 120_000 },
  async () => {
    const start = () =>
      call<StartSearchResponse__Output>(search, 'startSearch', {
        dataset: { name: dataset.name },
        searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
        budget: { maxEpochs: 50 },
        seed: 3,
        genotypeName: 'queued-genotype',
        hyperParameters: { batchSize: 2, imageSize: SIZE },
      });
    const accepted: string[] = [];
    let refused: number | undefined;
    for (let i = 0; i < 3 && refused === undefined; i++) {
      try {
        accepted.push((await start()).job!.jobId);
      } catch (e) {
        refused = (e as { code?: number }).code;
      }
    }
    assert.equal(refused, status.RESOURCE_EXHAUSTED, `accepted ${accepted.length} before a refusal`);
    assert.ok(accepted.length >= 1 && accepted.length <= 2, `accepted ${accepted.length}`);
    for (const jobId of accepted) await call(search, 'cancelSearch', { jobId });
  },
);

/** A valid float32 NIfTI-1 of 2 x 2 x 2 voxels, then changed by `edit` (header at 0, data at 352). */
function editedNifti(edit: (v: DataView) => void): Uint8Array {
  const bytes = encodeNifti(makeVolume(new Float32Array(8).fill(1), [2, 2, 2], [1, 1, 1]), 'float32');
  edit(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return bytes;
}

/** A float32 NIfTI-1 header (and a little data) declaring `x` x `y` x `z` voxels. */
function niftiWithDims(x: number, y: number, z: number): Uint8Array {
  return editedNifti((v) => {
    v.setInt16(42, x, true);
    v.setInt16(44, y, true);
    v.setInt16(46, z, true);
  });
}

/** Sends `nifti` to SegmentVolume and collects the replies. */
function segmentNifti(
  nifti: Uint8Array,
  model: { name: string; version?: number },
  deadlineMs = 30_000,
): Promise<SegmentVolumeResponse__Output[]> {
  return new Promise((resolve, reject) => {
    const out: SegmentVolumeResponse__Output[] = [];
    const s = segmentation.segmentVolume({ deadline: Date.now() + deadlineMs });
    s.on('data', (m: SegmentVolumeResponse__Output) => out.push(m));
    s.on('error', reject);
    s.on('end', () => resolve(out));
    s.write({ header: { model, format: 'VOLUME_INPUT_FORMAT_NIFTI' } });
    for (let i = 0; i < nifti.length; i += 1 << 20)
      s.write({ niftiChunk: Buffer.from(nifti.subarray(i, i + (1 << 20))) });
    s.end();
  });
}

test(
  'a SegmentVolume stream cancelled after its last slice but before the half-close is never segmented',
  { timeout: 60_000 },
  async () => {
    const modelSpans = (slices: number) =>
      spansWithAttributes().filter(
        (sp) => sp.name === 'inference.model' && sp.attributes['nasunet.slices_total'] === slices,
      );
    const slice = { ...rawImage(cases[0]!) };
    const send = (slices: number, cancel: boolean): Promise<number | 'ok'> =>
      new Promise((resolve) => {
        const s = segmentation.segmentVolume({ deadline: Date.now() + 30_000 });
        s.on('data', () => undefined);
        s.on('error', (e: { code: number }) => resolve(e.code));
        s.on('end', () => resolve('ok'));
        s.write({
          header: {
            model: { name: 'e2e-model', version: 1 },
            format: 'VOLUME_INPUT_FORMAT_SLICES',
            spacing: { xMm: 1, yMm: 1, zMm: 1 },
          },
        });
        for (let i = 0; i < slices; i++) s.write({ slice });
        // Every slice on the wire and received, then the client gives up without half-closing.
        if (cancel) setTimeout(() => s.cancel(), 1000);
        else s.end();
      });
    assert.equal(await send(37, true), status.CANCELLED);
    // A complete volume afterwards is segmented, and its span exported: the cancelled
    // one, had it run, would have been exported before it.
    assert.equal(await send(5, false), 'ok');
    for (let i = 0; i < 50 && modelSpans(5).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    assert.equal(modelSpans(5).length, 1, 'the complete volume was segmented');
    assert.deepEqual(modelSpans(37), [], 'the cancelled volume was segmented');
  },
);

test(
  'a request cancelled or past its deadline stops between slices; meanwhile health answers and the queue takes one request, refusing the next',
  { timeout: 180_000 },
  async () => {
    // 2 500 and 2 600 slices of 64 x 64 (40 MB each), nine 32 x 32 windows of the model
    // per slice: several seconds of work each for the tiny model on ONNX Runtime, several
    // times the deadline, while the upload takes a fraction of it.
    const side = 2 * SIZE;
    const volumeOf = (depth: number): Uint8Array => {
      const data = new Float32Array(side * side * depth);
      for (let z = 0; z < depth; z++) {
        const px = cases[z % cases.length]!.pixels;
        for (let y = 0; y < side; y++)
          for (let x = 0; x < side; x++)
            data[(z * side + y) * side + x] = px[(y % SIZE) * SIZE + (x % SIZE)]!;
      }
      return encodeNifti(makeVolume(data, [side, side, depth], [1, 1, 1]), 'float32');
    };
    /** The exported inference.model span of the volume of `depth` slices. */
    const modelSpan = async (depth: number): Promise<AttributedSpan> => {
      // The span ends at the next check between windows; a loaded machine gets 30 s for it.
      for (let i = 0; i < 150; i++) {
        const found = spansWithAttributes().find(
          (sp) => sp.name === 'inference.model' && sp.attributes['nasunet.slices_total'] === depth,
        );
        if (found) return found;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no inference.model span of the ${depth}-slice volume`);
    };
    const model = { name: 'e2e-model', version: 1 };
    const health = createHealthClient(suite.address('inference'));
    try {
      // 1. Cancelled by its client while it computes.
      const cancelledDepth = 2_500;
      const stream = segmentation.segmentVolume({ deadline: Date.now() + 120_000 });
      let ended = false;
      const cancelled = new Promise<number | string>((resolve) => {
        stream.on('data', () => undefined);
        stream.on('error', (e: { code: number }) => resolve(e.code));
        stream.on('end', () => resolve('finished'));
      }).finally(() => (ended = true));
      stream.write({ header: { model, format: 'VOLUME_INPUT_FORMAT_NIFTI' } });
      const nifti = volumeOf(cancelledDepth);
      for (let i = 0; i < nifti.length; i += 1 << 20)
        stream.write({ niftiChunk: Buffer.from(nifti.subarray(i, i + (1 << 20))) });
      stream.end();
      // The service answers its health check while the volume arrives and while it is
      // computed (between batches of slices). Other segmentations pass until the volume
      // holds the one turn; then one waits in the one queue place (past its 1 s deadline)
      // and the next is refused.
      const answers: string[] = [];
      const trail: string[] = [];
      const t0 = performance.now();
      void cancelled.then((o) => trail.push(`${Math.round(performance.now() - t0)}:volume ${o}`));
      const others: Array<number | 'ok'> = [];
      while (!ended && !others.includes(status.RESOURCE_EXHAUSTED)) {
        answers.push(await checkHealth(health, '', 10_000));
        others.push(
          await statusOf(call(segmentation, 'segment', { model, raw: rawImage(cases[0]!) }, 1_000)),
        );
        trail.push(`${Math.round(performance.now() - t0)}:${String(others.at(-1))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      if (ended)
        assert.fail(`the volume ended (${await cancelled}) first; other segmentations: ${others.join()}`);
      stream.cancel();
      trail.push(`${Math.round(performance.now() - t0)}:cancel`);
      assert.equal(await cancelled, status.CANCELLED, trail.join(' '));
      assert.ok(answers.length >= 2, `health answered ${answers.length} time(s)`);
      assert.ok(
        others.slice(0, -1).every((c) => c === 'ok' || c === status.DEADLINE_EXCEEDED) &&
          others.includes(status.DEADLINE_EXCEEDED) &&
          others.at(-1) === status.RESOURCE_EXHAUSTED,
        `other segmentations: ${others.join()}`,
      );
      assert.ok(
        answers.every((h) => h === 'SERVING'),
        answers.join(),
      );
      const stopped = await modelSpan(cancelledDepth);
      assert.equal(stopped.status, 2, 'the span ended in error (the client cancelled)');
      const doneCancelled = Number(stopped.attributes['nasunet.slices_done'] ?? 0);
      assert.ok(doneCancelled < cancelledDepth, `stopped after ${doneCancelled} of ${cancelledDepth} slices`);

      // 2. Past its deadline.
      const depth = 2_600;
      const outcome = segmentNifti(volumeOf(depth), model, 2500).then(
        () => 'finished',
        (e: { code?: number }) => e.code,
      );
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await checkHealth(health, '', 10_000), 'SERVING');
      assert.equal(await outcome, status.DEADLINE_EXCEEDED);
      // The server stopped instead of segmenting every slice: once the one worker is free
      // again (a small segmentation queued behind the volume has run and its model span is
      // exported), the volume's model stage either never began (the deadline passed while
      // it arrived or was decoded, as on a loaded machine) or ended in error part-way.
      const imageSpans = () =>
        spansWithAttributes().filter(
          (sp) => sp.name === 'inference.model' && sp.attributes['nasunet.slices_total'] === 1,
        ).length;
      const imagesBefore = imageSpans();
      assert.equal(
        await statusOf(call(segmentation, 'segment', { model, raw: rawImage(cases[0]!) }, 120_000)),
        'ok',
      );
      await until(
        'the model span of the image after the volume',
        async () => imageSpans(),
        (n) => n > imagesBefore,
        30_000,
      );
      const late = spansWithAttributes().find(
        (sp) => sp.name === 'inference.model' && sp.attributes['nasunet.slices_total'] === depth,
      );
      if (late) {
        assert.equal(late.status, 2, 'the span ended in error (the deadline passed)');
        const done = Number(late.attributes['nasunet.slices_done'] ?? 0);
        assert.ok(done < depth, `stopped after ${done} of ${depth} slices`);
      }
    } finally {
      health.close();
    }
    // No span of the whole run carries a name a caller typed (the 'bad input' test asked
    // for a dataset named after a patient).
    const file = readFileSync(join(dataDir, 'spans.jsonl'), 'utf8');
    assert.ok(
      file.includes('getDataset') || file.includes('GetDataset'),
      'the registry spans are in the file',
    );
    assert.ok(!file.includes('doe_john'), 'a caller-typed name in a span');
  },
);

type AttributedSpan = SpanLine & { attributes: Record<string, unknown>; status: number };

/** Spans of the trace file with their attributes and status. */
function spansWithAttributes(): AttributedSpan[] {
  const file = join(dataDir, 'spans.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AttributedSpan);
}
