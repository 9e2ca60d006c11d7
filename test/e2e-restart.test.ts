/**
 * Restart, real processes: the registry and search services are killed mid-search and
 * started again; the job is reported interrupted, resumes from its last checkpoint (its
 * next step continues the count instead of starting over) and finishes; the registry's
 * contents are intact (digests and downloaded bytes unchanged).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRegistryClient,
  createSearchClient,
  type DownloadDatasetResponse__Output,
  type GetDatasetResponse__Output,
  type GetGenotypeResponse__Output,
  type GetSearchResponse__Output,
  type ModelRegistryServiceClient,
  type SearchServiceClient,
  type StartSearchResponse__Output,
  type WatchSearchResponse__Output,
} from '../libs/rpc/src/index.js';
import { referenceGenotype } from '../libs/nas/src/index.js';
import { call, collect, registerDataset } from './support/grpc.js';
import { Suite } from './support/suite.js';
import { syntheticFiles } from './support/synthetic.js';

const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-restart-'));
const suite = new Suite(dataDir, { NASUNET_CHECKPOINT_EVERY_STEPS: '1' });
const clients: Array<{ close(): void }> = [];

after(async () => {
  for (const c of clients) c.close();
  await suite.stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

function connect(): { registry: ModelRegistryServiceClient; search: SearchServiceClient } {
  const registry = createRegistryClient(suite.address('registry'));
  const search = createSearchClient(suite.address('search'));
  clients.push(registry, search);
  return { registry, search };
}

/** Registry contents that must survive: dataset record, file digests, downloaded bytes' digests, a genotype. */
async function registryContents(
  registry: ModelRegistryServiceClient,
  dataset: string,
  genotype: string,
): Promise<string> {
  const ds = await call<GetDatasetResponse__Output>(registry, 'getDataset', { name: dataset });
  const parts = await collect<DownloadDatasetResponse__Output>(
    registry.downloadDataset({ name: dataset }, { deadline: Date.now() + 60_000 }),
  );
  const bytes = new Map<string, Buffer[]>();
  for (const p of parts)
    if (p.file) bytes.set(p.file.relativePath, [...(bytes.get(p.file.relativePath) ?? []), p.file.data]);
  const downloaded = [...bytes].map(([path, b]) => [
    path,
    `sha256:${createHash('sha256').update(Buffer.concat(b)).digest('hex')}`,
  ]);
  const g = await call<GetGenotypeResponse__Output>(registry, 'getGenotype', {
    genotype: { name: genotype, version: 1 },
  });
  return JSON.stringify({
    dataset: ds.dataset,
    files: ds.files,
    downloaded,
    genotype: [g.genotype!.genotypeJson, g.genotype!.createdAt],
  });
}

test(
  'a search survives a crash of the registry and search services and resumes',
  { timeout: 480_000 },
  async () => {
    await suite.start(['registry', 'search']);
    let { registry, search } = connect();
    const synth = syntheticFiles(10, 32, 5);
    const dataset = await registerDataset(
      registry,
      {
        name: 'synthetic-restart',
        layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
        classNames: synth.classNames,
        caseCount: 10,
      },
      synth.files,
    );
    const handMade = JSON.stringify(referenceGenotype('v2'));
    await call(registry, 'createGenotype', { name: 'hand-made', genotypeJson: handMade });
    const contentsBefore = await registryContents(registry, dataset.name, 'hand-made');
    const start = await call<StartSearchResponse__Output>(search, 'startSearch', {
      dataset: { name: dataset.name },
      searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
      budget: { maxEpochs: 2 },
      seed: 7,
      genotypeName: 'restart-genotype',
      hyperParameters: { batchSize: 2, imageSize: 32 },
    });
    const jobId = start.job!.jobId;

    // Wait for the second step (checkpoints are written every step), then crash both.
    await new Promise<void>((resolve, reject) => {
      const stream = search.watchSearch({ jobId }, { deadline: Date.now() + 300_000 });
      stream.on('data', (m: WatchSearchResponse__Output) => {
        if (m.step && m.step.step >= 2) {
          stream.cancel();
          resolve();
        }
      });
      stream.on('error', (err: { code?: number }) => (err.code === 1 ? undefined : reject(err)));
      stream.on('end', () => reject(new Error('the search ended before it could be interrupted')));
    });
    for (const c of clients.splice(0)) c.close();
    await suite.stop(['search', 'registry'], 'SIGKILL');

    // Back up without resume: the job is reported interrupted.
    await suite.start(['registry']);
    await suite.start(['search'], { NASUNET_RESUME_ON_START: 'false' });
    ({ registry, search } = connect());
    const reported = await call<GetSearchResponse__Output>(search, 'getSearch', { jobId });
    assert.equal(reported.job!.state, 'JOB_STATE_INTERRUPTED');
    const stepBefore = reported.job!.step;
    assert.ok(stepBefore >= 2, `progress before the crash is kept (step ${stepBefore})`);
    assert.equal(
      await registryContents(registry, dataset.name, 'hand-made'),
      contentsBefore,
      'registry contents intact',
    );

    // Restart with resume (the default): the job continues from its checkpoint and finishes.
    await suite.stop(['search']);
    await suite.start(['search']);
    ({ registry, search } = connect());
    const events = await collect<WatchSearchResponse__Output>(
      search.watchSearch({ jobId }, { deadline: Date.now() + 300_000 }),
    );
    const end = events.at(-1)!;
    assert.equal(end.state?.state, 'JOB_STATE_DONE', JSON.stringify(end));
    assert.deepEqual(end.state?.resultGenotype, { name: 'restart-genotype', version: 1 });
    const lastInterrupt = events.map((e) => e.state?.state).lastIndexOf('JOB_STATE_INTERRUPTED');
    assert.ok(lastInterrupt >= 0, 'the interruption is reported in the stream');
    const firstStepAfter = events.slice(lastInterrupt).find((e) => e.event === 'step');
    assert.ok(firstStepAfter, 'steps ran after the restart');
    assert.ok(
      firstStepAfter.step!.step > 1,
      `resumed at step ${firstStepAfter.step!.step}, not from the start`,
    );
    const final = await call<GetSearchResponse__Output>(search, 'getSearch', { jobId });
    assert.equal(final.job!.epoch, 2);
    assert.equal(
      await registryContents(registry, dataset.name, 'hand-made'),
      contentsBefore,
      'registry contents intact after the run',
    );
  },
);
