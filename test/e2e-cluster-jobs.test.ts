/**
 * Cluster mode, every part a real process on one machine: PostgreSQL (registry store),
 * Redis (job queue), a registry, two search API replicas (NASUNET_JOB_ROLE=api), search
 * workers (NASUNET_JOB_ROLE=worker) sharing a BullMQ queue and the checkpoint folder, and
 * inference. Two searches run on the two workers at once; one worker is killed mid-search
 * and its search completes on the other from its checkpoint, while an API replica is
 * killed under clients that watch through both: they re-open their watch on the other
 * replica and follow the search to its end. A search cancelled through the API stops its
 * worker, which then takes the next job. `nasunet search --seeds` runs a multi-seed search
 * on two workers at once and prints the genotypes and their agreement. Every finished job
 * registered its genotype once, and the registry serves its rows and the dataset's bytes
 * intact.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '../libs/engine/src/index.js';
import { followJob } from '../libs/cli/src/grpc-watch.js';
import { BullMqJobQueue } from '../libs/jobs/src/bullmq-job-queue.js';
import { startServiceProcess, type ServiceProcess } from '../libs/launcher/src/index.js';
import {
  createRegistryClient,
  createSearchClient,
  type DownloadDatasetResponse__Output,
  type GetSearchGroupResponse__Output,
  type ListGenotypesResponse__Output,
  type SearchServiceClient,
  type StartSearchResponse__Output,
  type WatchSearchResponse__Output,
} from '../libs/rpc/src/index.js';
import { call, collect, registerDataset, statusOf } from './support/grpc.js';
import { until } from './support/poll.js';
import { freePort } from './support/ports.js';
import { startPostgres, type PostgresServer } from './support/postgres.js';
import { startRedis, type RedisServer } from './support/redis.js';
import { Suite } from './support/suite.js';
import { syntheticFiles } from './support/synthetic.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'libs', 'cli', 'src', 'main.js');
const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-cluster-'));
const suite = new Suite(dataDir);
const procs: ServiceProcess[] = [];
const clients: Array<{ close(): void }> = [];
let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;
let queue: BullMqJobQueue | undefined;

after(async () => {
  for (const c of clients) c.close();
  await queue?.close();
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await suite.stopAll();
  await redis?.stop();
  pg?.stop();
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

/** Runs the compiled CLI; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(
  'cluster: two API replicas and search workers on PostgreSQL and Redis; killed workers and replicas lose nothing',
  { timeout: 480_000 },
  async () => {
    pg = await startPostgres();
    redis = await startRedis();
    queue = new BullMqJobQueue({ url: redis.url });
    await suite.start(['registry'], {
      NASUNET_STORE: 'postgres',
      NASUNET_DATABASE_URL: await pg.createDatabase(),
    });
    const apis = [
      await startSearchProcess('api', 'api1', redis.url),
      await startSearchProcess('api', 'api2', redis.url),
    ];
    const workers = [
      await startSearchProcess('worker', 'w1', redis.url),
      await startSearchProcess('worker', 'w2', redis.url),
    ];
    await suite.start(['inference']);
    const registry = createRegistryClient(suite.address('registry'));
    // `search` talks to the replica that stays up; `balanced` spreads over both, as a
    // client of a headless Service does.
    const search = createSearchClient(apis[1]!.address);
    const balanced = createSearchClient(`ipv4:${apis.map((a) => a.address).join(',')}`);
    clients.push(registry, search, balanced);
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
    const holder = async (jobId: string): Promise<ServiceProcess | undefined> => {
      const id = (await queue!.get(jobId)).workerId ?? '';
      return workers.find((w) => id.endsWith(`-${w.child.pid}`));
    };
    const finished: string[] = [];

    // 1. Two searches at once: each worker takes one.
    const first = await startSearch('cluster-first', 3);
    const second = await startSearch('cluster-second', 1);
    await waitFor(search, first, (m) => (m.step?.step ?? 0) >= 2);
    await until(
      'the second search taken',
      () => queue!.get(second),
      (j) => j.state !== 'queued',
      120_000,
    );
    const held = await queue.get(first);
    const victim = await holder(first);
    const other = await holder(second);
    assert.ok(victim && other && victim !== other, `both workers took a search (${held.workerId})`);
    assert.ok(held.checkpoint, 'the running attempt recorded a checkpoint');
    const survivor = other;

    // 2. Clients follow the first search through both replicas (round-robin puts their
    // watches on one replica each) and over the survivor alone.
    await Promise.all([0, 1, 2, 3].map(() => call(balanced, 'getSearch', { jobId: first })));
    const followers = [0, 1].map(() => {
      const events: EngineEvent[] = [];
      const done = followJob<WatchSearchResponse__Output>({
        kind: 'search',
        jobId: first,
        client: balanced,
        maxEpochs: 3,
        onEvent: (e) => events.push(e),
      });
      done.catch(() => undefined); // awaited below, after the kills
      return { events, done };
    });
    const watching = collect<WatchSearchResponse__Output>(
      search.watchSearch({ jobId: first }, { deadline: Date.now() + 240_000 }),
    );
    await until(
      'both followers see steps',
      async () => followers.map((f) => f.events.length),
      (n) => n.every((c) => c > 0),
    );

    // 3. SIGKILL the worker mid-search and one API replica under the followers.
    await victim.stop('SIGKILL');
    await apis[0]!.stop('SIGKILL');
    const seenBefore = followers.map((f) => f.events.length);
    const stepBefore = Math.max(
      ...followers.flatMap((f) => f.events.map((e) => (e.type === 'step' ? e.step : 0))),
    );
    for (const [i, f] of followers.entries()) {
      const outcome = await f.done;
      assert.equal((outcome.state as { state: string }).state, 'JOB_STATE_DONE', `follower ${i}`);
      assert.equal(outcome.epochs, 3, `follower ${i} saw every epoch once`);
      assert.ok(
        f.events.slice(seenBefore[i]).some((e) => e.type === 'step' && e.step > stepBefore),
        `follower ${i} kept receiving steps after the replica died`,
      );
      assert.deepEqual(
        f.events.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch),
        [0, 1, 2],
        `follower ${i}: each epoch once, in order`,
      );
    }
    const streamed = await watching;
    const end = streamed.at(-1)!;
    assert.equal(end.state?.state, 'JOB_STATE_DONE', JSON.stringify(end));
    assert.deepEqual(end.state?.resultGenotype, { name: 'cluster-first', version: 1 });
    assert.ok(
      streamed.some((m) => m.state?.state === 'JOB_STATE_INTERRUPTED'),
      'the hand-over is reported in the stream',
    );
    // Continued from the checkpoint of the killed attempt, not from the start.
    const history = await queue.events(first);
    const handOver = history.findIndex(
      (e) => e.type === 'interrupted' && (e.data as { attempts: number }).attempts === held.attempts,
    );
    assert.ok(handOver >= 0, `the killed attempt ${held.attempts} was handed over`);
    assert.ok(
      (history[handOver]!.data as { checkpoint: string | null }).checkpoint !== null,
      'with its checkpoint',
    );
    const saved = history
      .slice(0, handOver)
      .filter((e) => e.type === 'checkpoint')
      .at(-1)?.data as { step: number } | undefined;
    const resumed = history.slice(handOver).find((e) => e.type === 'start')?.data as
      { resumed: boolean; step: number } | undefined;
    assert.ok(
      saved && saved.step >= 2 && resumed?.resumed && resumed.step >= saved.step,
      `resumed at step ${resumed?.step} from the checkpoint of step ${saved?.step}: ${JSON.stringify(history.map((e) => [e.type, e.data]))}`,
    );
    const done = await queue.get(first);
    assert.ok(done.attempts > held.attempts, `attempts ${done.attempts}`);
    assert.equal(await holder(first), survivor, 'finished by the surviving worker');
    assert.equal((await queue.get(second)).state, 'done');
    finished.push(first, second);

    // 4. Cancel through the API: the only worker left stops that search and takes the next one.
    const long = await startSearch('cluster-long', 500);
    await waitFor(search, long, (m) => (m.step?.step ?? 0) >= 1);
    assert.equal(await holder(long), survivor);
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
    finished.push(next);
    const cancelled = await queue.get(long);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.result, undefined);
    assert.deepEqual(cancelled.error, { code: 'cancelled', message: 'cancelled by request' });

    // 5. `nasunet search --seeds`: one multi-seed search, its seeds on two workers at once.
    workers.push(await startSearchProcess('worker', 'w3', redis.url));
    const out = join(dataDir, 'cli-seeds');
    const run = await cli([
      'search',
      '--synthetic',
      'count=8,size=32,seed=5',
      '--preset',
      'tiny',
      '--epochs',
      '1',
      '--seeds',
      '11,12',
      '--genotype-name',
      'cluster-seeds',
      '--registry-server',
      suite.address('registry'),
      '--search-server',
      apis[1]!.address,
      '--out',
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const written = JSON.parse(readFileSync(join(out, 'search-group.json'), 'utf8')) as {
      groupId: string;
      jobs: Array<{ seed: number; jobId: string; genotypeRef: { name: string; version: number } }>;
      agreement: { genotypes: number; distinct: number; edgeShare: number; opShare: number };
    };
    assert.deepEqual(
      written.jobs.map((j) => [j.seed, j.genotypeRef.name]),
      [
        [11, 'cluster-seeds'],
        [12, 'cluster-seeds'],
      ],
    );
    assert.deepEqual(written.jobs.map((j) => j.genotypeRef.version).sort(), [1, 2]);
    for (const j of written.jobs)
      assert.match(
        run.stdout,
        new RegExp(
          `seed ${j.seed}: genotype cluster-seeds version ${j.genotypeRef.version} \\(job ${j.jobId}\\)`,
        ),
      );
    const holders = new Set(
      await Promise.all(written.jobs.map(async (j) => (await queue!.get(j.jobId)).workerId)),
    );
    assert.equal(holders.size, 2, 'the seeds ran on two workers');
    finished.push(...written.jobs.map((j) => j.jobId));
    const group = await call<GetSearchGroupResponse__Output>(search, 'getSearchGroup', {
      groupId: written.groupId,
    });
    const a = group.agreement!;
    assert.deepEqual(written.agreement, {
      genotypes: 2,
      distinct: a.distinctGenotypes,
      edgeShare: a.edgeShare,
      opShare: a.opShare,
    });
    assert.match(
      run.stdout,
      new RegExp(
        `agreement of 2 genotypes: ${a.distinctGenotypes} distinct, edge share ${a.edgeShare.toFixed(4)}`,
      ),
    );
    const identical = group.jobs[0]!.genotypeJson === group.jobs[1]!.genotypeJson;
    assert.equal(a.distinctGenotypes, identical ? 1 : 2);
    assert.equal(a.opShare === 1, identical, 'op share is 1 exactly when the genotypes are identical');
    assert.ok(a.edgeShare >= a.opShare && a.edgeShare <= 1);
    assert.equal(
      await statusOf(call(search, 'getSearchGroup', { groupId: 'search-unknown' })),
      5,
      'NOT_FOUND for an unknown group',
    );
    assert.equal(await statusOf(start('cluster-bad', 1, [1, 1])), 3, 'INVALID_ARGUMENT for repeated seeds');

    // 6. The registry on PostgreSQL: one genotype per finished job, nothing for the cancelled
    // one, each as its job found it; the dataset's bytes intact.
    const { genotypes } = await call<ListGenotypesResponse__Output>(registry, 'listGenotypes', {});
    assert.deepEqual(
      genotypes.map((g) => g.lineage!.searchJobId).sort(),
      [...finished].sort(),
      'exactly one genotype per finished search',
    );
    for (const g of genotypes) {
      const { job } = await call<{ job: { genotypeJson: string } }>(search, 'getSearch', {
        jobId: g.lineage!.searchJobId,
      });
      assert.equal(g.genotypeJson, job.genotypeJson, `${g.name}:${g.version}`);
    }
    const parts = await collect<DownloadDatasetResponse__Output>(
      registry.downloadDataset({ name: dataset.name }, { deadline: Date.now() + 60_000 }),
    );
    const files = new Map<string, Buffer>();
    for (const p of parts.slice(1))
      files.set(
        p.file!.relativePath,
        Buffer.concat([files.get(p.file!.relativePath) ?? Buffer.alloc(0), p.file!.data]),
      );
    assert.deepEqual(files, new Map([...synth.files].map(([k, v]) => [k, Buffer.from(v)])));
  },
);
