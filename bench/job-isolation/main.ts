/**
 * Job isolation benchmark: how fast the search service answers GetSearch and its health
 * check while it is idle and while a small search runs. The registry and search services
 * run as `npm start` runs them (separate processes, free ports, a temporary data
 * directory); calls are made one after the other with a short pause between them.
 *
 * `node dist/bench/job-isolation/main.js [--steps 60] [--calls 40] [--backend auto]`
 *
 * Prints the median, 95th percentile and largest latency of each phase, the ratio of the
 * medians during the search to idle, the job's duration and the load average (1 min)
 * before and after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { latencySummary, pause } from '../common/latency.js';
import { startServiceProcess, type ServiceProcess } from '../../libs/launcher/src/index.js';
import {
  checkHealth,
  createHealthClient,
  createRegistryClient,
  createSearchClient,
  findFreePort,
  type GetSearchResponse__Output,
  type StartSearchResponse__Output,
} from '../../libs/rpc/src/index.js';
import { call, registerDataset } from '../../test/support/grpc.js';
import { syntheticFiles } from '../../test/support/synthetic.js';

interface Options {
  steps: number;
  calls: number;
  backend: string;
}

/** Milliseconds one call took. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(o: Options): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nasunet-bench-jobs-'));
  const procs: ServiceProcess[] = [];
  const ports = { registry: await findFreePort(), search: await findFreePort() };
  const registryAddr = `127.0.0.1:${ports.registry}`;
  try {
    for (const name of ['registry', 'search'] as const) {
      procs.push(
        await startServiceProcess({
          name,
          port: ports[name],
          dataDir,
          env: { NASUNET_BACKEND: o.backend, NASUNET_REGISTRY_ADDR: registryAddr, LOG_LEVEL: 'warn' },
          readyTimeoutMs: 60_000,
        }),
      );
    }
    const registry = createRegistryClient(registryAddr);
    const search = createSearchClient(`127.0.0.1:${ports.search}`);
    const health = createHealthClient(`127.0.0.1:${ports.search}`);
    const synth = syntheticFiles(12, 64, 5);
    await registerDataset(
      registry,
      { name: 'bench', layout: 'DATASET_LAYOUT_IMAGE_PAIRS', classNames: synth.classNames, caseCount: 12 },
      synth.files,
    );
    const start = (steps: number): Promise<StartSearchResponse__Output> =>
      call<StartSearchResponse__Output>(search, 'startSearch', {
        dataset: { name: 'bench' },
        searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
        budget: { maxSteps: steps },
        seed: 1,
        genotypeName: 'bench',
        hyperParameters: { batchSize: 2, imageSize: 64 },
      });
    const getSearch = (jobId: string) =>
      call<GetSearchResponse__Output>(search, 'getSearch', { jobId }, 60_000);

    // A first search (2 steps) gives GetSearch a job to read and warms both processes up.
    const warm = (await start(2)).job!.jobId;
    while ((await getSearch(warm)).job!.state !== 'JOB_STATE_DONE') await pause(200);

    const loadBefore = loadavg()[0]!;
    const idle = { get: [] as number[], health: [] as number[] };
    for (let i = 0; i < o.calls; i++) {
      idle.get.push(await timed(() => getSearch(warm)));
      idle.health.push(await timed(() => checkHealth(health, '', 60_000)));
      await pause(50);
    }

    const busy = { get: [] as number[], health: [] as number[] };
    const t0 = Date.now();
    const jobId = (await start(o.steps)).job!.jobId;
    let state = '';
    while (state !== 'JOB_STATE_DONE' && state !== 'JOB_STATE_FAILED') {
      const t = performance.now();
      state = (await getSearch(jobId)).job!.state as string;
      busy.get.push(performance.now() - t);
      busy.health.push(await timed(() => checkHealth(health, '', 60_000)));
      await pause(50);
    }
    const jobSeconds = (Date.now() - t0) / 1000;
    const loadAfter = loadavg()[0]!;
    if (state !== 'JOB_STATE_DONE') throw new Error(`the search ended ${state}`);

    const rows = [
      ['GetSearch idle', latencySummary(idle.get)],
      ['GetSearch during search', latencySummary(busy.get)],
      ['Health idle', latencySummary(idle.health)],
      ['Health during search', latencySummary(busy.health)],
    ] as const;
    console.log(`search of ${o.steps} steps took ${jobSeconds.toFixed(1)} s (backend ${o.backend})`);
    console.log('| call | n | median ms | p95 ms | max ms |');
    console.log('|---|---|---|---|---|');
    for (const [name, s] of rows)
      console.log(
        `| ${name} | ${s.n} | ${s.median.toFixed(1)} | ${s.p95.toFixed(1)} | ${s.max.toFixed(1)} |`,
      );
    console.log(
      `median during / idle: GetSearch ${(rows[1][1].median / rows[0][1].median).toFixed(1)}x, ` +
        `health ${(rows[3][1].median / rows[2][1].median).toFixed(1)}x`,
    );
    console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
    registry.close();
    search.close();
    health.close();
  } finally {
    for (const p of procs.reverse()) await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const program = new Command()
  .option('--steps <n>', 'steps of the measured search', '60')
  .option('--calls <n>', 'idle calls of each kind', '40')
  .option('--backend <name>', 'NASUNET_BACKEND of the services', 'auto')
  .parse();
const opts = program.opts<{ steps: string; calls: string; backend: string }>();
await main({ steps: Number(opts.steps), calls: Number(opts.calls), backend: opts.backend });
