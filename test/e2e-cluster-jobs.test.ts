/**
 * Cluster mode of the search service, real processes on a real Redis: one API replica
 * (NASUNET_JOB_ROLE=api) and two workers (NASUNET_JOB_ROLE=worker) sharing a BullMQ queue
 * and the checkpoint folder. A worker killed mid-search: the search completes on the other
 * worker from its checkpoint, and the API's WatchSearch streams progress that the worker
 * processes produce throughout. A search cancelled through the API stops its worker, which
 * then takes the next job. A multi-seed search runs its seeds on two workers at once and
 * reports the agreement of their genotypes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BullMqJobQueue } from '../libs/jobs/src/bullmq-job-queue.js';
import { startServiceProcess, type ServiceProcess } from '../libs/launcher/src/index.js';
import {
  createRegistryClient,
  createSearchClient,
  type GetGenotypeResponse__Output,
  type GetSearchGroupResponse__Output,
  type SearchServiceClient,
  type StartSearchResponse__Output,
  type WatchSearchResponse__Output,
} from '../libs/rpc/src/index.js';
import { call, collect, registerDataset, statusOf } from './support/grpc.js';
import { freePort } from './support/ports.js';
import { startRedis, type RedisServer } from './support/redis.js';
import { Suite } from './support/suite.js';
import { syntheticFiles } from './support/synthetic.js';

const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-cluster-'));
const suite = new Suite(dataDir);
const procs: ServiceProcess[] = [];
const clients: Array<{ close(): void }> = [];
let redis: RedisServer | undefined;
let queue: BullMqJobQueue | undefined;

after(async () => {
  for (const c of clients) c.close();
  await queue?.close();
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await suite.stopAll();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts a search process in `role` on the shared queue, with a dataset cache of its own. */
async function startSearchProcess(
  role: 'api' | 'worker',
  name: string,
  redisUrl: string,
): Promise<ServiceProcess> {
  const proc = await startServiceProcess({
    name: 'search',
    port: await freePort(),
    dataDir,
    env: {
      NASUNET_BACKEND: 'cpu',
      NASUNET_REGISTRY_ADDR: suite.address('registry'),
      LOG_LEVEL: 'warn',
      NASUNET_QUEUE: 'bullmq',
      NASUNET_REDIS_URL: redisUrl,
      NASUNET_JOB_ROLE: role,
      // Longer than the longest stretch a search step keeps a worker's event loop busy (its
      // heartbeats wait for it): up to 20 s on a 2-core machine at load 20. A killed
      // worker's search moves after 30 to 45 s.
      NASUNET_JOB_LEASE_S: '30',
      NASUNET_CHECKPOINT_EVERY_STEPS: '1',
      NASUNET_DATASET_CACHE_DIR: join(dataDir, `cache-${name}`),
    },
    onLine: (line) => {
      if (process.env['NASUNET_TEST_VERBOSE']) process.stderr.write(`${name} ${line}\n`);
    },
    readyTimeoutMs: 60_000,
  });
  procs.push(proc);
  return proc;
}

/** Resolves with the first message of `jobId`'s watch stream that `pred` accepts. */
function waitFor(
  search: SearchServiceClient,
  jobId: string,
  pred: (m: WatchSearchResponse__Output) => boolean,
): Promise<WatchSearchResponse__Output> {
  return new Promise((resolve, reject) => {
    const stream = search.watchSearch({ jobId }, { deadline: Date.now() + 240_000 });
    stream.on('data', (m: WatchSearchResponse__Output) => {
      if (pred(m)) {
        stream.cancel();
        resolve(m);
      }
    });
    stream.on('error', (err: { code?: number }) => (err.code === 1 ? undefined : reject(err)));
    stream.on('end', () => reject(new Error(`the watch of ${jobId} ended before the awaited message`)));
  });
}

test(
  'search workers as separate processes: a killed worker hands its search over, Watch and cancel go through the API',
  { timeout: 480_000 },
  async () => {
    redis = await startRedis();
    queue = new BullMqJobQueue({ url: redis.url });
    await suite.start(['registry']);
    const api = await startSearchProcess('api', 'api', redis.url);
    const workers = [
      await startSearchProcess('worker', 'w1', redis.url),
      await startSearchProcess('worker', 'w2', redis.url),
    ];
    const registry = createRegistryClient(suite.address('registry'));
    const search = createSearchClient(api.address);
    clients.push(registry, search);
    const synth = syntheticFiles(8, 32, 5);
    const dataset = await registerDataset(
      registry,
      {
        name: 'synthetic-cluster',
        layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
        classNames: synth.classNames,
        caseCount: 8,
      },
      synth.files,
    );
    const start = (genotypeName: string, maxEpochs: number, seeds: number[] = []) =>
      call<StartSearchResponse__Output>(search, 'startSearch', {
        dataset: { name: dataset.name },
        searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
        budget: { maxEpochs },
        seed: seeds.length > 0 ? 0 : 7,
        seeds,
        genotypeName,
        hyperParameters: { batchSize: 2, imageSize: 32 },
      });
    const startSearch = async (genotypeName: string, maxEpochs: number): Promise<string> =>
      (await start(genotypeName, maxEpochs)).job!.jobId;

    // 1. A search runs on one worker; the API replica (which runs no jobs) streams its steps.
    const first = await startSearch('cluster-first', 3);
    const before = await waitFor(search, first, (m) => (m.step?.step ?? 0) >= 2);
    assert.ok(before.step!.step >= 2);
    const held = await queue.get(first);
    const victim = workers.find((w) => held.workerId!.endsWith(`-${w.child.pid}`));
    assert.ok(victim, `the search runs on one of the two workers (held by ${held.workerId})`);
    assert.ok(held.checkpoint, 'the running attempt recorded a checkpoint');
    const survivor = workers.find((w) => w !== victim)!;

    // 2. SIGKILL that worker mid-search: the other takes the search over from its checkpoint.
    const watching = collect<WatchSearchResponse__Output>(
      search.watchSearch({ jobId: first }, { deadline: Date.now() + 180_000 }),
    );
    await victim.stop('SIGKILL');
    const streamed = await watching;
    const end = streamed.at(-1)!;
    assert.equal(end.state?.state, 'JOB_STATE_DONE', JSON.stringify(end));
    assert.deepEqual(end.state?.resultGenotype, { name: 'cluster-first', version: 1 });
    assert.ok(
      streamed.some((m) => m.state?.state === 'JOB_STATE_INTERRUPTED'),
      'the hand-over is reported in the stream',
    );
    const history = await queue.events(first);
    const handOver = history.findIndex(
      (e) => e.type === 'interrupted' && (e.data as { attempts: number }).attempts === held.attempts,
    );
    assert.ok(handOver >= 0, `the killed attempt ${held.attempts} was handed over`);
    assert.ok(
      (history[handOver]!.data as { checkpoint: string | null }).checkpoint !== null,
      'with its checkpoint',
    );
    const resumed = history.slice(handOver).find((e) => e.type === 'start')?.data as
      { resumed: boolean; step: number } | undefined;
    assert.ok(
      resumed?.resumed && resumed.step >= 2,
      `resumed at step ${resumed?.step}, not from the start: ${JSON.stringify(history.map((e) => [e.type, e.data]))}`,
    );
    const done = await queue.get(first);
    assert.ok(done.attempts > held.attempts, `attempts ${done.attempts}`);
    assert.ok(
      done.workerId!.endsWith(`-${survivor.child.pid}`),
      `finished by the surviving worker (${done.workerId})`,
    );
    // Registered once: there is no second version of the genotype.
    await call<GetGenotypeResponse__Output>(registry, 'getGenotype', {
      genotype: { name: 'cluster-first', version: 1 },
    });
    assert.equal(
      await statusOf(call(registry, 'getGenotype', { genotype: { name: 'cluster-first', version: 2 } })),
      5,
      'NOT_FOUND: nothing registered twice',
    );

    // 3. Cancel through the API: the only worker left stops that search and takes the next one.
    const long = await startSearch('cluster-long', 500);
    await waitFor(search, long, (m) => (m.step?.step ?? 0) >= 1);
    assert.ok((await queue.get(long)).workerId!.endsWith(`-${survivor.child.pid}`));
    await call(search, 'cancelSearch', { jobId: long });
    const next = await startSearch('cluster-next', 1);
    const nextEnd = (
      await collect<WatchSearchResponse__Output>(
        search.watchSearch({ jobId: next }, { deadline: Date.now() + 120_000 }),
      )
    ).at(-1)!;
    assert.equal(
      nextEnd.state?.state,
      'JOB_STATE_DONE',
      'the worker freed by the cancellation ran the next search',
    );
    const cancelled = await queue.get(long);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.result, undefined);
    assert.deepEqual(cancelled.error, { code: 'cancelled', message: 'cancelled by request' });

    // 4. A multi-seed search: one job per seed, run in parallel by two workers, and the
    // agreement of their genotypes.
    workers.push(await startSearchProcess('worker', 'w3', redis.url));
    const multi = await start('cluster-seeds', 1, [11, 12]);
    assert.equal(multi.jobs.length, 2);
    assert.deepEqual(
      multi.jobs.map((j) => [j.seed, j.groupId]),
      [
        [11, multi.groupId],
        [12, multi.groupId],
      ],
    );
    for (const j of multi.jobs) {
      const last = (
        await collect<WatchSearchResponse__Output>(
          search.watchSearch({ jobId: j.jobId }, { deadline: Date.now() + 180_000 }),
        )
      ).at(-1)!;
      assert.equal(last.state?.state, 'JOB_STATE_DONE', `seed ${j.seed}`);
    }
    const holders = new Set(
      await Promise.all(multi.jobs.map(async (j) => (await queue!.get(j.jobId)).workerId)),
    );
    assert.equal(holders.size, 2, 'the seeds ran on two workers');
    const group = await call<GetSearchGroupResponse__Output>(search, 'getSearchGroup', {
      groupId: multi.groupId,
    });
    assert.deepEqual(
      group.jobs.map((j) => [j.seed, j.state]),
      [
        [11, 'JOB_STATE_DONE'],
        [12, 'JOB_STATE_DONE'],
      ],
    );
    const found = group.jobs.map((j) => j.genotypeJson);
    const identical = found[0] === found[1];
    assert.equal(group.agreement?.genotypes, 2);
    assert.equal(group.agreement?.distinctGenotypes, identical ? 1 : 2);
    assert.equal(
      group.agreement?.opShare === 1,
      identical,
      'op share is 1 exactly when the genotypes are identical',
    );
    assert.ok(group.agreement!.edgeShare >= group.agreement!.opShare && group.agreement!.edgeShare <= 1);
    assert.equal(
      await statusOf(call(search, 'getSearchGroup', { groupId: 'search-unknown' })),
      5,
      'NOT_FOUND for an unknown group',
    );
    assert.equal(await statusOf(start('cluster-bad', 1, [1, 1])), 3, 'INVALID_ARGUMENT for repeated seeds');
  },
);
