/**
 * Managing what the services hold, end to end with real processes and sockets: retiring
 * model versions (registry and segmentation service, each status code exact), and the
 * CLI's `datasets`, `model`, `retire` and `watch` commands, plus `--max-cases` carried to
 * a training and a search on the services.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import {
  createRegistryClient,
  createSegmentationClient,
  createTrainingClient,
  type Dataset__Output,
  type GetModelResponse__Output,
  type GetTrainingResponse__Output,
  type ModelRegistryServiceClient,
  type RetireModelResponse__Output,
  type SegmentationServiceClient,
  type SegmentResponse__Output,
  type StartTrainingResponse__Output,
  type TrainingServiceClient,
} from '../libs/rpc/src/index.js';
import { call, registerDataset, statusOf, uploadModel } from './support/grpc.js';
import { smallBundle } from './support/model-bundle.js';
import { Suite } from './support/suite.js';
import { syntheticFiles, type SyntheticCase } from './support/synthetic.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'libs', 'cli', 'src', 'main.js');
const SIZE = 32;
let dataDir: string;
let suite: Suite;
let registry: ModelRegistryServiceClient;
let training: TrainingServiceClient;
let segmentation: SegmentationServiceClient;
let dataset: Dataset__Output;
let cases: SyntheticCase[];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nasunet-manage-'));
  suite = new Suite(dataDir);
  await suite.start(['registry', 'search', 'training', 'inference']);
  registry = createRegistryClient(suite.address('registry'));
  training = createTrainingClient(suite.address('training'));
  segmentation = createSegmentationClient(suite.address('inference'));
  const synth = syntheticFiles(4, SIZE, 5);
  cases = synth.cases;
  dataset = await registerDataset(
    registry,
    {
      name: 'manage-data',
      layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
      classNames: synth.classNames,
      caseCount: cases.length,
    },
    synth.files,
  );
});

after(async () => {
  for (const c of [registry, training, segmentation]) c?.close();
  await suite?.stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function serverArgs(): string[] {
  return [
    '--registry-server',
    suite.address('registry'),
    '--search-server',
    suite.address('search'),
    '--training-server',
    suite.address('training'),
    '--inference-server',
    suite.address('inference'),
  ];
}

interface CliRun {
  child: ChildProcess;
  /** Standard error so far. */
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts the compiled CLI in the data directory. */
function startCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, stderr: () => stderr, done };
}

/** Runs the compiled CLI; resolves with its exit code and output. */
const cli = (args: string[]) => startCli(args).done;

/** The JSON lines of a `--json` output. */
const jsonLines = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

test(
  'a retired version: never latest nor an alias target, served only when pinned',
  { timeout: 180_000 },
  async () => {
    const artifacts = await smallBundle(SIZE);
    const metadata = {
      name: 'lc-model',
      architecture: 'unet',
      configJson: '{}',
      metricsJson: '{"best_validation_dice":0.5}',
      lineage: { trainingJobId: '', datasetDigest: dataset.digest },
      classNames: ['background', 'organ_bright', 'organ_dark'],
    };
    for (let v = 1; v <= 3; v++) assert.equal((await uploadModel(registry, metadata, artifacts)).version, v);
    await call(registry, 'setAlias', { name: 'lc-model', alias: 'production', version: 3 });
    const retire = (version: number, reason = '', name = 'lc-model') =>
      call<RetireModelResponse__Output>(registry, 'retireModel', { name, version, reason });

    // The alias target is refused, the alias named; bad input and unknown versions too.
    await assert.rejects(
      retire(3, 'regression'),
      (e: { code: number; details: string }) =>
        e.code === status.FAILED_PRECONDITION && /alias "production"; move or remove/.test(e.details),
    );
    assert.equal(await statusOf(retire(0)), status.INVALID_ARGUMENT);
    assert.equal(await statusOf(retire(1, 'x'.repeat(1001))), status.INVALID_ARGUMENT);
    assert.equal(await statusOf(retire(1, '', 'Bad Name')), status.INVALID_ARGUMENT);
    assert.equal(await statusOf(retire(9)), status.NOT_FOUND);
    assert.equal(await statusOf(retire(1, '', 'no-such-model')), status.NOT_FOUND);

    // Moved alias: version 3 retires, once; a second call changes nothing.
    await call(registry, 'setAlias', { name: 'lc-model', alias: 'production', version: 2 });
    const first = await retire(3, 'regression');
    assert.deepEqual(
      [first.alreadyRetired, first.model!.retired, first.model!.retirementReason],
      [false, true, 'regression'],
    );
    assert.ok(first.model!.retiredAt !== '');
    const again = await retire(3, 'other');
    assert.deepEqual(
      [again.alreadyRetired, again.model!.retiredAt, again.model!.retirementReason],
      [true, first.model!.retiredAt, 'regression'],
    );
    assert.equal(
      await statusOf(call(registry, 'setAlias', { name: 'lc-model', alias: 'staging', version: 3 })),
      status.FAILED_PRECONDITION,
    );

    // Segmentation: latest skips the retired version, the pinned number still reaches it.
    const c = cases[0]!;
    const raw = {
      dtype: 'PIXEL_DTYPE_UINT8',
      height: c.height,
      width: c.width,
      channels: 1,
      data: Buffer.from(c.pixels),
    };
    const segment = (model: object) =>
      call<SegmentResponse__Output>(segmentation, 'segment', { model, raw }, 60_000);
    assert.equal((await segment({ name: 'lc-model' })).model!.version, 2);
    assert.equal((await segment({ name: 'lc-model', alias: 'production' })).model!.version, 2);
    assert.equal((await segment({ name: 'lc-model', version: 3 })).model!.version, 3);

    // Every version retired: "latest" is refused, a pinned version is served.
    await call(registry, 'deleteAlias', { name: 'lc-model', alias: 'production' });
    await retire(2);
    await retire(1);
    await assert.rejects(
      segment({ name: 'lc-model' }),
      (e: { code: number; details: string }) =>
        e.code === status.FAILED_PRECONDITION &&
        /every version of model "lc-model" is retired/.test(e.details),
    );
    assert.equal((await segment({ name: 'lc-model', version: 1 })).model!.version, 1);
    const got = await call<GetModelResponse__Output>(registry, 'getModel', {
      model: { name: 'lc-model', version: 2 },
    });
    assert.equal(got.model!.retired, true);
  },
);

test(
  'CLI: datasets, train --max-cases on the service, watch, model, retire',
  { timeout: 300_000 },
  async () => {
    const datasets = await cli(['datasets', ...serverArgs(), '--json']);
    assert.equal(datasets.code, 0, datasets.stderr);
    const listed = JSON.parse(datasets.stdout) as Array<{ name: string; caseCount: number; layout: string }>;
    assert.deepEqual(
      listed.filter((d) => d.name === 'manage-data').map((d) => [d.caseCount, d.layout]),
      [[4, 'image_pairs']],
    );
    const table = await cli(['datasets', ...serverArgs()]);
    assert.match(table.stdout, /^dataset +layout +cases/);
    assert.match(table.stdout, /\nmanage-data +image_pairs +4 /);

    // --max-cases reaches the training service: 3 of 10 cases, batches of 1.
    const train = await cli([
      'train',
      ...serverArgs(),
      '--synthetic',
      'count=10,size=32,seed=2',
      '--max-cases',
      '3',
      '--genotype',
      'v2',
      '--preset',
      'tiny',
      '--epochs',
      '1',
      '--max-steps',
      '2',
      '--batch-size',
      '1',
      '--model-name',
      'shown',
      '--context-slices',
      '1',
      '--out',
      'tr',
      '--quiet',
    ]);
    assert.equal(train.code, 0, `${train.stderr}\n${suite.logs.slice(-20).join('\n')}`);
    const jobId = (
      JSON.parse(readFileSync(join(dataDir, 'tr', 'train-result.json'), 'utf8')) as { jobId: string }
    ).jobId;
    const job = await call<GetTrainingResponse__Output>(training, 'getTraining', { jobId });
    assert.equal(job.job!.hyperParameters!.maxCases, 3);
    // A 3-channel (2.5D) network trained to the end on the service.
    assert.equal(job.job!.hyperParameters!.contextSlices, 1);

    // watch replays the finished job: its progress, then the result; exit 0.
    const watched = await cli(['watch', jobId, '--kind', 'train', ...serverArgs(), '--json']);
    assert.equal(watched.code, 0, watched.stderr);
    const events = jsonLines(watched.stdout);
    const start = events.find((e) => e['type'] === 'start');
    assert.ok(start, 'a start event');
    assert.ok(
      (start['stepsPerEpoch'] as number) <= 3,
      `3 cases make at most 3 training slices, got ${String(start['stepsPerEpoch'])} steps per epoch`,
    );
    assert.deepEqual(
      events.filter((e) => e['type'] === 'result').map((e) => [e['state'], e['result']]),
      [['JOB_STATE_DONE', 'model shown:1']],
    );
    const human = await cli(['watch', jobId, '--kind', 'train', '--quiet', ...serverArgs()]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      new RegExp(`^train job ${jobId} done after 1 epoch\\(s\\), 2 steps.*: model shown:1\\n$`),
    );

    // model: metrics, lineage (dataset by name, training job, genotype), cells, state.
    const shown = await cli(['model', 'shown', ...serverArgs(), '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    const d = JSON.parse(shown.stdout) as {
      version: number;
      retired: boolean;
      metrics: Record<string, unknown>;
      lineage: { trainingJobId: string; datasets: string[]; genotype: { name: string; version: number } };
      genotype: { nodes: number; down: unknown[] };
    };
    assert.equal(d.version, 1);
    assert.equal(d.retired, false);
    assert.equal(typeof d.metrics['best_validation_dice'], 'number');
    assert.equal(d.lineage.trainingJobId, jobId);
    assert.equal(d.lineage.datasets.length, 1, 'the dataset the CLI registered, by name');
    assert.deepEqual(d.lineage.genotype && [d.lineage.genotype.name, d.lineage.genotype.version], [
      'cli-genotype',
      1,
    ]);
    assert.ok(d.genotype.nodes > 0 && d.genotype.down.length === 2 * d.genotype.nodes);
    const text = await cli(['model', 'shown:1', ...serverArgs()]);
    assert.equal(text.code, 0, text.stderr);
    for (const line of [
      /^model shown:1\n  state +active\n/,
      new RegExp(`\\n  training job +${jobId}\\n`),
      /\n  down +\(/,
    ])
      assert.match(text.stdout, line);

    // retire: refused while an alias points at the version, then done once.
    assert.equal((await cli(['alias', 'shown', 'production', '1', ...serverArgs()])).code, 0);
    const refused = await cli(['retire', 'shown', '1', '--reason', 'leaks', ...serverArgs()]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /alias "production"; move or remove the alias first/);
    assert.equal((await cli(['alias', 'shown', 'production', '--remove', ...serverArgs()])).code, 0);
    const retired = await cli(['retire', 'shown', '1', '--reason', 'leaks', ...serverArgs(), '--json']);
    assert.equal(retired.code, 0, retired.stderr);
    assert.deepEqual(
      (({ alreadyRetired, reason }) => ({ alreadyRetired, reason }))(
        JSON.parse(retired.stdout) as { alreadyRetired: boolean; reason: string },
      ),
      { alreadyRetired: false, reason: 'leaks' },
    );
    const twice = await cli(['retire', 'shown', '1', ...serverArgs()]);
    assert.match(twice.stdout, /^shown:1 was already retired at \S+ \(leaks\)\n$/);
    const pinned = await cli(['model', 'shown:1', ...serverArgs()]);
    assert.match(pinned.stdout, /\n  state +retired \S+ \(leaks\); served only as shown:1\n/);
    const latest = await cli(['model', 'shown', ...serverArgs()]);
    assert.equal(latest.code, 2, latest.stderr);
    assert.match(latest.stderr, /every version of model "shown" is retired/);
    const models = JSON.parse(
      (await cli(['models', ...serverArgs(), '--name', 'shown', '--json'])).stdout,
    ) as Array<{
      retired: boolean;
    }>;
    assert.deepEqual(
      models.map((m) => m.retired),
      [true],
    );

    // --max-cases reaches the search service too (its validation answers).
    const search = await cli([
      'search',
      ...serverArgs(),
      '--synthetic',
      'count=4,size=32,seed=3',
      '--preset',
      'tiny',
      '--max-cases',
      '1',
      '--quiet',
    ]);
    assert.equal(search.code, 2, search.stderr);
    assert.match(search.stderr, /maxCases: must be 0 \(every case\) or at least 2/);
  },
);

test(
  'CLI watch: Ctrl-C detaches; a cancelled job exits 130, a failed one 1; bad max_cases is refused',
  { timeout: 180_000 },
  async () => {
    const start = (datasetName: string, epochs: number) =>
      call<StartTrainingResponse__Output>(training, 'startTraining', {
        baseline: 'BASELINE_ARCHITECTURE_UNET',
        dataset: { name: datasetName },
        hyperParameters: { epochs, batchSize: 1, initChannels: 4, depth: 2, imageSize: SIZE },
        modelName: 'watched',
      });
    const tooFew = call(training, 'startTraining', {
      baseline: 'BASELINE_ARCHITECTURE_UNET',
      dataset: { name: 'manage-data' },
      hyperParameters: { maxCases: 1 },
      modelName: 'watched',
    });
    assert.equal(
      await statusOf(tooFew),
      status.INVALID_ARGUMENT,
      'max_cases 1 leaves nothing to validate on',
    );
    const wideContext = call(training, 'startTraining', {
      baseline: 'BASELINE_ARCHITECTURE_UNET',
      dataset: { name: 'manage-data' },
      hyperParameters: { contextSlices: 6 },
      modelName: 'watched',
    });
    await assert.rejects(
      wideContext,
      (e: { code?: number; details?: string }) =>
        e.code === status.INVALID_ARGUMENT && /hyper_parameters\.contextSlices: .*5/.test(e.details ?? ''),
    );
    const long = (await start('manage-data', 10_000)).job!.jobId;
    // Ctrl-C stops watching; the job goes on.
    const watching = startCli(['watch', long, '--kind', 'train', ...serverArgs()]);
    const until = Date.now() + 60_000;
    while (!/(starting|resuming) at epoch/.test(watching.stderr())) {
      assert.ok(Date.now() < until && watching.child.exitCode === null, `no progress: ${watching.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    watching.child.kill('SIGINT');
    const detached = await watching.done;
    assert.equal(detached.code, 130, detached.stderr);
    assert.match(detached.stderr, /stopped watching train job .*; it goes on on the server/);
    const running = await call<GetTrainingResponse__Output>(training, 'getTraining', { jobId: long });
    assert.equal(running.job!.state, 'JOB_STATE_RUNNING');
    await call(training, 'cancelTraining', { jobId: long });
    const cancelled = await cli(['watch', long, '--kind', 'train', '--quiet', ...serverArgs()]);
    assert.equal(cancelled.code, 130, cancelled.stderr);
    assert.match(cancelled.stderr, /cancelled on the server/);

    // A dataset the registry accepts but no training can split (one case): the job fails.
    const single = syntheticFiles(1, SIZE, 6);
    await registerDataset(
      registry,
      {
        name: 'broken-data',
        layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
        classNames: single.classNames,
        caseCount: 1,
      },
      single.files,
    );
    const failing = (await start('broken-data', 1)).job!.jobId;
    const failed = await cli(['watch', failing, '--kind', 'train', '--quiet', ...serverArgs()]);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, new RegExp(`train job ${failing} failed: .*needs at least 2 cases`));

    const unknown = await cli(['watch', 'no-such-job', '--kind', 'search', ...serverArgs()]);
    assert.equal(unknown.code, 3, unknown.stderr);
  },
);
