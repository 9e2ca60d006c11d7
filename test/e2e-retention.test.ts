/**
 * What a crash or a finished job leaves behind, real processes: a registry killed during an
 * upload leaves a staged file that its restart removes; a search or training job that
 * crashed between registering its result and being marked done registers it once when it
 * runs again; and jobs that ended keep no checkpoint and (over the cache limit) no dataset.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  createRegistryClient,
  createSearchClient,
  createTrainingClient,
  uploadModelMessages,
  type GetSearchResponse__Output,
  type GetTrainingResponse__Output,
  type ListGenotypesResponse__Output,
  type ListModelsResponse__Output,
  type ModelRegistryServiceClient,
  type StartSearchResponse__Output,
  type StartTrainingResponse__Output,
} from '../libs/rpc/src/index.js';
import { call, registerDataset } from './support/grpc.js';
import { until } from './support/poll.js';
import { Suite } from './support/suite.js';
import { syntheticFiles } from './support/synthetic.js';

const MiB = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-retention-'));
// Checkpoints every step; a dataset cache of one byte keeps no dataset once no job uses it.
const suite = new Suite(dataDir, { NASUNET_CHECKPOINT_EVERY_STEPS: '1', NASUNET_DATASET_CACHE_BYTES: '1' });
const clients: Array<{ close(): void }> = [];

after(async () => {
  for (const c of clients) c.close();
  await suite.stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

function registryClient(): ModelRegistryServiceClient {
  const c = createRegistryClient(suite.address('registry'));
  clients.push(c);
  return c;
}

/** Puts a finished job back to `running`, as a crash after its result was registered and before it was marked done leaves it. */
function crashBeforeDone(kind: 'search' | 'training', jobId: string): void {
  const db = new Database(join(dataDir, kind, 'jobs.sqlite'));
  const changed = db
    .prepare(
      `UPDATE jobs SET state = 'running', result = NULL, finished_at = NULL WHERE id = ? AND state = 'done'`,
    )
    .run(jobId).changes;
  db.close();
  assert.equal(changed, 1);
}

test('a registry killed during an upload leaves a staged file that its restart removes', async () => {
  await suite.start(['registry']);
  const registry = registryClient();
  const staging = join(dataDir, 'registry', 'artifacts', 'tmp');
  const [metadata, first] = uploadModelMessages(
    { name: 'cut', architecture: 'unet', classNames: ['bg', 'fg'] },
    [['weights.bin', new Uint8Array(3 * MiB).fill(7)]],
    MiB,
  );
  const upload = registry.uploadModel({ deadline: Date.now() + 60_000 }, () => undefined);
  upload.write(metadata!);
  upload.write(first!);
  await until(
    'the first MiB to be staged',
    async () => list(staging).map((n) => statSync(join(staging, n)).size),
    (sizes) => sizes.includes(MiB),
    30_000,
  );
  await suite.stop(['registry'], 'SIGKILL');
  assert.equal(list(staging).length, 1, 'the killed process left its staged file');

  await suite.start(['registry']);
  assert.deepEqual(list(staging), [], 'removed at start-up');
  const models = await call<ListModelsResponse__Output>(registryClient(), 'listModels', {});
  assert.deepEqual(models.models, []);
});

/** The jobs of the next test, for the one after it. */
const ran: Array<{ kind: 'search' | 'training'; jobId: string }> = [];

test(
  'a job rerun after a crash between registering its result and done registers it once',
  { timeout: 600_000 },
  async () => {
    await suite.start(['search', 'training']);
    const registry = registryClient();
    const search = createSearchClient(suite.address('search'));
    const training = createTrainingClient(suite.address('training'));
    clients.push(search, training);
    const synth = syntheticFiles(6, 32, 3);
    const dataset = await registerDataset(
      registry,
      { name: 'retention', layout: 'DATASET_LAYOUT_IMAGE_PAIRS', classNames: synth.classNames, caseCount: 6 },
      synth.files,
    );

    const searchJob = async () =>
      (await call<GetSearchResponse__Output>(search, 'getSearch', { jobId: searchId })).job!;
    const searchId = (
      await call<StartSearchResponse__Output>(search, 'startSearch', {
        dataset: { name: dataset.name },
        searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
        budget: { maxSteps: 2 },
        seed: 3,
        genotypeName: 'once',
        hyperParameters: { batchSize: 2, imageSize: 32 },
      })
    ).job!.jobId;
    ran.push({ kind: 'search', jobId: searchId });
    const searched = await until('the search', searchJob, (j) => j.state === 'JOB_STATE_DONE');
    assert.deepEqual(searched.resultGenotype, { name: 'once', version: 1 });
    await suite.stop(['search']);
    crashBeforeDone('search', searchId);
    await suite.start(['search']);
    const rerun = await until('the rerun search', searchJob, (j) => j.state === 'JOB_STATE_DONE');
    assert.deepEqual(rerun.resultGenotype, { name: 'once', version: 1 });
    const genotypes = await call<ListGenotypesResponse__Output>(registry, 'listGenotypes', { name: 'once' });
    assert.deepEqual(
      genotypes.genotypes.map((g) => g.version),
      [1],
    );

    const trainingJob = async () =>
      (await call<GetTrainingResponse__Output>(training, 'getTraining', { jobId: trainingId })).job!;
    const trainingId = (
      await call<StartTrainingResponse__Output>(training, 'startTraining', {
        baseline: 'BASELINE_ARCHITECTURE_UNET',
        dataset: { name: dataset.name },
        hyperParameters: { epochs: 1, maxSteps: 2, batchSize: 1, initChannels: 4, depth: 2, imageSize: 32 },
        modelName: 'once',
      })
    ).job!.jobId;
    ran.push({ kind: 'training', jobId: trainingId });
    const trained = await until('the training', trainingJob, (j) => j.state === 'JOB_STATE_DONE');
    assert.equal(trained.resultModel?.version, 1);
    await suite.stop(['training']);
    crashBeforeDone('training', trainingId);
    await suite.start(['training']);
    const retrained = await until('the rerun training', trainingJob, (j) => j.state === 'JOB_STATE_DONE');
    assert.equal(retrained.resultModel?.version, 1);
    const models = await call<ListModelsResponse__Output>(registry, 'listModels', { name: 'once' });
    assert.deepEqual(
      models.models.map((m) => m.version),
      [1],
    );
  },
);

test('jobs that ended keep no checkpoint and, over the cache limit, no dataset', async () => {
  assert.ok(ran.length > 0, 'the jobs of the previous test ran');
  for (const { kind, jobId } of ran) {
    await until(
      `${kind} job ${jobId} to leave nothing`,
      async () => ({
        checkpoints: list(join(dataDir, kind, 'checkpoints')).filter((n) => n.startsWith(`${jobId}.`)),
        datasets: list(join(dataDir, kind, 'datasets')),
      }),
      (l) => l.checkpoints.length === 0 && l.datasets.length === 0,
      10_000,
    );
  }
});
