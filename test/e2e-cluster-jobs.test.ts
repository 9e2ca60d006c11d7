/**
 * Cluster mode, every part a real process on one machine: PostgreSQL (registry store),
 * Redis (job queue), a registry and inference, and per job kind API replicas
 * (NASUNET_JOB_ROLE=api) and workers (NASUNET_JOB_ROLE=worker) sharing a BullMQ queue and
 * the checkpoint folder.
 *
 * Search: two searches run on two workers at once; one worker is killed mid-search and its
 * search completes on the other from its checkpoint, while the API replica that serves a
 * CLI watcher's stream (each stream names the address that served it) is killed under it:
 * the watcher re-opens its watch on the other replica and follows the search to its end. A
 * search cancelled through the API stops its worker, which then takes the next job.
 * `nasunet search --seeds` runs a multi-seed search on two workers at once and prints the
 * genotypes and their agreement. Every finished search registered its genotype once, and
 * the registry serves its rows and the dataset's bytes intact.
 *
 * Training: a training submitted to a training API replica runs on one of two training
 * workers; that worker is killed mid-run and the other resumes it from the killed
 * attempt's checkpoint step; the model is registered once and segments through inference.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent } from '../libs/engine/src/index.js';
import { followJob } from '../libs/cli/src/grpc-watch.js';
import { BullMqJobQueue } from '../libs/jobs/src/bullmq-job-queue.js';
import type { JobEvent, JobRecord } from '../libs/jobs/src/index.js';
import { startServiceProcess, type ServiceProcess } from '../libs/launcher/src/index.js';
import { referenceGenotype, type DecisionMargin, type Genotype } from '../libs/nas/src/index.js';
import { assertDecisionsOf } from '../libs/cli/src/testing/decisions.js';
import {
  createRegistryClient,
  createSearchClient,
  createSegmentationClient,
  createTrainingClient,
  type Dataset__Output,
  type DownloadDatasetResponse__Output,
  type GetSearchGroupResponse__Output,
  type ListGenotypesResponse__Output,
  type ListModelsResponse__Output,
  type ModelRegistryServiceClient,
  type SearchServiceClient,
  type SegmentResponse__Output,
  type StartSearchResponse__Output,
  type StartTrainingResponse__Output,
  type TrainingServiceClient,
  type WatchSearchResponse__Output,
  type WatchTrainingResponse__Output,
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
const synth = syntheticFiles(8, 32, 5);
let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;
let queue: BullMqJobQueue | undefined;
let registry: ModelRegistryServiceClient;
let dataset: Dataset__Output;

// Shared by both tests: PostgreSQL, Redis, the registry on PostgreSQL, inference and the
// registered dataset.
before(async () => {
  pg = await startPostgres();
  redis = await startRedis();
  queue = new BullMqJobQueue({ url: redis.url });
  await suite.start(['registry'], {
    NASUNET_STORE: 'postgres',
    NASUNET_DATABASE_URL: await pg.createDatabase(),
  });
  await suite.start(['inference']);
  registry = createRegistryClient(suite.address('registry'));
  clients.push(registry);
  dataset = await registerDataset(
    registry,
    {
      name: 'synthetic-cluster',
      layout: 'DATASET_LAYOUT_IMAGE_PAIRS',
      classNames: synth.classNames,
      caseCount: 8,
    },
    synth.files,
  );
});

after(async () => {
  for (const c of clients) c.close();
  await queue?.close();
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await suite.stopAll();
  await redis?.stop();
  pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts a search or training process in `role` on the shared queue, with a dataset cache of its own. */
async function startJobProcess(
  kind: 'search' | 'training',
  role: 'api' | 'worker',
  name: string,
): Promise<ServiceProcess> {
  const proc = await startServiceProcess({
    name: kind,
    port: await freePort(),
    dataDir,
    env: {
      NASUNET_BACKEND: 'cpu',
      NASUNET_REGISTRY_ADDR: suite.address('registry'),
      LOG_LEVEL: 'warn',
      NASUNET_QUEUE: 'bullmq',
      NASUNET_REDIS_URL: redis!.url,
      NASUNET_JOB_ROLE: role,
      // Generous for a 2-core machine at load 20, where a shorter lease risks handing over
      // the job of a live worker. A killed worker's job moves after 30 to 45 s.
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

/** The worker process (of `workers`) that holds or last held `job`. */
function holderOf(job: JobRecord, workers: readonly ServiceProcess[]): ServiceProcess | undefined {
  return workers.find((w) => (job.workerId ?? '').endsWith(`-${w.child.pid}`));
}

/**
 * Asserts from a job's history that attempt `attempts` was handed over with its own
 * checkpoint (fenced by attempt: `<job>.a<attempt>.ckpt`) and that the next attempt
 * resumed at or after that checkpoint's step, not from the start.
 */
function assertResumedFromCheckpoint(jobId: string, history: JobEvent[], attempts: number): void {
  const handOver = history.findIndex(
    (e) => e.type === 'interrupted' && (e.data as { attempts: number }).attempts === attempts,
  );
  const trail = JSON.stringify(history.map((e) => [e.type, e.data]));
  assert.ok(handOver >= 0, `the killed attempt ${attempts} was handed over: ${trail}`);
  assert.match(
    String((history[handOver]!.data as { checkpoint: string | null }).checkpoint),
    new RegExp(`${jobId}\\.a${attempts}\\.ckpt$`),
    "with the killed attempt's own checkpoint",
  );
  const saved = history
    .slice(0, handOver)
    .filter((e) => e.type === 'checkpoint')
    .at(-1)?.data as { step: number } | undefined;
  const resumed = history.slice(handOver).find((e) => e.type === 'start')?.data as
    { resumed: boolean; step: number } | undefined;
  assert.ok(
    saved && saved.step >= 2 && resumed?.resumed && resumed.step >= saved.step,
    `resumed at step ${resumed?.step} from the checkpoint of step ${saved?.step}: ${trail}`,
  );
  const firstStep = history.slice(handOver).find((e) => e.type === 'step')?.data as
    { step: number } | undefined;
  assert.equal(firstStep?.step, resumed.step + 1, 'the first step after the hand-over continues the count');
}

/** Resolves with the first message of a job's watch stream that `pred` accepts. */
function waitFor<M>(
  open: (deadline: Date) => ClientReadableStream<M>,
  what: string,
  pred: (m: M) => boolean,
): Promise<M> {
  return new Promise((resolve, reject) => {
    const stream = open(new Date(Date.now() + 240_000));
    stream.on('data', (m: M) => {
      if (pred(m)) {
        stream.cancel();
        resolve(m);
      }
    });
    stream.on('error', (err: { code?: number }) => (err.code === 1 ? undefined : reject(err)));
    stream.on('end', () => reject(new Error(`the watch of ${what} ended before the awaited message`)));
  });
}

/** `waitFor` on a search's watch. */
const searchReaches = (
  search: SearchServiceClient,
  jobId: string,
  pred: (m: WatchSearchResponse__Output) => boolean,
): Promise<WatchSearchResponse__Output> =>
  waitFor((deadline) => search.watchSearch({ jobId }, { deadline }), jobId, pred);

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
  async (t) => {
    const apis = [
      await startJobProcess('search', 'api', 'api1'),
      await startJobProcess('search', 'api', 'api2'),
    ];
    const workers = [
      await startJobProcess('search', 'worker', 'w1'),
      await startJobProcess('search', 'worker', 'w2'),
    ];
    // `balanced` spreads its calls over both replicas, as a client of a headless Service
    // does; `pinned` talks to one replica each.
    const balanced = createSearchClient(`ipv4:${apis.map((a) => a.address).join(',')}`);
    const pinned = apis.map((a) => createSearchClient(a.address));
    clients.push(balanced, ...pinned);
    // Until a replica is killed, any replica serves; afterwards the one left.
    let search: SearchServiceClient = balanced;
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
    const holder = async (jobId: string): Promise<ServiceProcess | undefined> =>
      holderOf(await queue!.get(jobId), workers);
    const finished: string[] = [];

    // 1. Two searches at once: each worker takes one.
    const first = await startSearch('cluster-first', 3);
    const second = await startSearch('cluster-second', 1);
    await searchReaches(search, first, (m) => (m.step?.step ?? 0) >= 2);
    await until(
      'the second search taken',
      () => queue!.get(second),
      (j) => j.state !== 'queued',
      120_000,
    );
    const held = await queue!.get(first);
    const victim = await holder(first);
    const other = await holder(second);
    assert.ok(victim && other && victim !== other, `both workers took a search (${held.workerId})`);
    assert.ok(held.checkpoint, 'the running attempt recorded a checkpoint');
    const survivor = other;

    // 2. Clients follow the first search through both replicas (round-robin spreads their
    // watches); each stream names the replica that serves it.
    await Promise.all([0, 1, 2, 3].map(() => call(balanced, 'getSearch', { jobId: first })));
    const followers = [0, 1].map(() => {
      const events: EngineEvent[] = [];
      const servedBy: string[] = [];
      const done = followJob<WatchSearchResponse__Output>({
        kind: 'search',
        jobId: first,
        client: balanced,
        maxEpochs: 3,
        onEvent: (e) => events.push(e),
        onWatchServed: (peer) => servedBy.push(peer),
      });
      done.catch(() => undefined); // awaited below, after the kills
      return { events, servedBy, done };
    });
    await until(
      'both followers see steps',
      async () => followers.map((f) => [f.events.length, f.servedBy.length]),
      (n) => n.every(([events, streams]) => events! > 0 && streams! > 0),
    );
    // The replica to kill is the one serving the first follower's watch.
    const doomed = apis.findIndex((a) => a.address === followers[0]!.servedBy[0]);
    assert.ok(doomed >= 0, `the watch is served by a replica: ${followers[0]!.servedBy[0]}`);
    const kept = 1 - doomed;
    search = pinned[kept]!;
    const onDoomed = followers.map((f) => f.servedBy[0] === apis[doomed]!.address);
    t.diagnostic(`watches on the replica to be killed: ${JSON.stringify(onDoomed)}`);
    const watching = collect<WatchSearchResponse__Output>(
      search.watchSearch({ jobId: first }, { deadline: Date.now() + 240_000 }),
    );

    // 3. SIGKILL the worker mid-search and, under the followers, the replica serving one.
    await victim.stop('SIGKILL');
    await apis[doomed]!.stop('SIGKILL');
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
      // A watch on the killed replica re-opened on the other one; one on the other stayed.
      assert.deepEqual(
        f.servedBy,
        onDoomed[i] ? [apis[doomed]!.address, apis[kept]!.address] : [apis[kept]!.address],
        `follower ${i}: the replicas that served its watch`,
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
    assertResumedFromCheckpoint(first, await queue!.events(first), held.attempts);
    const done = await queue!.get(first);
    assert.ok(done.attempts > held.attempts, `attempts ${done.attempts}`);
    assert.equal(await holder(first), survivor, 'finished by the surviving worker');
    assert.equal((await queue!.get(second)).state, 'done');
    finished.push(first, second);

    // 4. Cancel through the API: the only worker left stops that search and takes the next one.
    const long = await startSearch('cluster-long', 500);
    await searchReaches(search, long, (m) => (m.step?.step ?? 0) >= 1);
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
    const cancelled = await queue!.get(long);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.result, undefined);
    assert.deepEqual(cancelled.error, { code: 'cancelled', message: 'cancelled by request' });

    // 5. `nasunet search --seeds`: one multi-seed search, its seeds on two workers at once.
    workers.push(await startJobProcess('search', 'worker', 'w3'));
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
      apis[kept]!.address,
      '--out',
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const written = JSON.parse(readFileSync(join(out, 'search-group.json'), 'utf8')) as {
      groupId: string;
      jobs: Array<{
        seed: number;
        jobId: string;
        genotypeRef: { name: string; version: number };
        genotype: Genotype;
        decisions: DecisionMargin[];
      }>;
      agreement: { genotypes: number; distinct: number; edgeShare: number; opShare: number };
    };
    // Each seed's choices with the weight they were won by (near ties: where seeds differ).
    for (const j of written.jobs) assertDecisionsOf(j.genotype, j.decisions);
    assert.equal(run.stdout.match(/^decisions: \d+ of \d+ choices won by less than 0\.01/gm)?.length, 2);
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

test(
  'cluster: a training runs on a training worker, resumes on another after a SIGKILL and registers its model once',
  { timeout: 300_000 },
  async () => {
    const api = await startJobProcess('training', 'api', 'train-api');
    const workers = [
      await startJobProcess('training', 'worker', 'tw1'),
      await startJobProcess('training', 'worker', 'tw2'),
    ];
    const training: TrainingServiceClient = createTrainingClient(api.address);
    const segmentation = createSegmentationClient(suite.address('inference'));
    clients.push(training, segmentation);
    await call(registry, 'createGenotype', {
      name: 'cluster-train-genotype',
      genotypeJson: JSON.stringify(referenceGenotype('v2')),
    });
    const EPOCHS = 6;
    const { job } = await call<StartTrainingResponse__Output>(training, 'startTraining', {
      genotype: { name: 'cluster-train-genotype', version: 1 },
      dataset: { name: dataset.name },
      hyperParameters: {
        epochs: EPOCHS,
        batchSize: 2,
        learningRate: 0.01,
        initChannels: 4,
        depth: 2,
        imageSize: 32,
        validationFraction: 0.25,
      },
      seed: 3,
      modelName: 'cluster-model',
    });
    const jobId = job!.jobId;
    const watching = collect<WatchTrainingResponse__Output>(
      training.watchTraining({ jobId }, { deadline: Date.now() + 240_000 }),
    );

    // Once an epoch is done (best weights written) and the next one has begun, SIGKILL the
    // worker that runs it.
    await waitFor(
      (deadline) => training.watchTraining({ jobId }, { deadline }),
      jobId,
      (m: WatchTrainingResponse__Output) => (m.step?.epoch ?? 0) >= 2,
    );
    const held = await queue!.get(jobId);
    const victim = holderOf(held, workers);
    assert.ok(victim, `a training worker runs the job, not the API replica (${held.workerId})`);
    assert.equal(held.state, 'running');
    assert.ok(held.checkpoint, 'the running attempt recorded a checkpoint');
    await victim.stop('SIGKILL');

    const streamed = await watching;
    const end = streamed.at(-1)!;
    assert.equal(end.state?.state, 'JOB_STATE_DONE', JSON.stringify(end));
    const model = end.state!.resultModel!;
    assert.equal(model.name, 'cluster-model');
    assert.equal(model.version, 1);
    assert.ok(
      streamed.some((m) => m.state?.state === 'JOB_STATE_INTERRUPTED'),
      'the hand-over is reported in the stream',
    );
    assertResumedFromCheckpoint(jobId, await queue!.events(jobId), held.attempts);
    const done = await queue!.get(jobId);
    assert.ok(done.attempts > held.attempts, `attempts ${done.attempts}`);
    const finisher = holderOf(done, workers);
    assert.ok(finisher && finisher !== victim, `finished by the other worker (${done.workerId})`);
    assert.equal((done.result as { epochs: number }).epochs, EPOCHS);

    // Registered once, by this job, in the registry on PostgreSQL; its bundle segments.
    const { models } = await call<ListModelsResponse__Output>(registry, 'listModels', {
      name: 'cluster-model',
    });
    assert.deepEqual(
      models.map((m) => [m.version, m.lineage?.trainingJobId]),
      [[1, jobId]],
      'one model version, of this job',
    );
    const c = synth.cases[0]!;
    const seg = await call<SegmentResponse__Output>(segmentation, 'segment', {
      model: { name: 'cluster-model', version: 1 },
      raw: {
        dtype: 'PIXEL_DTYPE_UINT8',
        height: c.height,
        width: c.width,
        channels: 1,
        data: Buffer.from(c.pixels),
      },
    });
    assert.deepEqual(seg.model, {
      name: 'cluster-model',
      version: 1,
      alias: '',
      weightsDigest: model.weightsDigest,
    });
    const mask = new Uint8Array(seg.mask!.data);
    assert.equal(mask.length, c.width * c.height);
    assert.ok(
      mask.every((v) => v < synth.classNames.length),
      'every pixel labelled with one of the classes',
    );
  },
);
