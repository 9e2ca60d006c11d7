/**
 * End to end, real processes and sockets: the search service runs each job's compute in a
 * process of its own, so it answers GetSearch and its health check while a search runs;
 * cancelling a search ends that process, and a job whose process dies fails with an error
 * that says so.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHealth,
  createHealthClient,
  createRegistryClient,
  createSearchClient,
  type GetSearchResponse__Output,
  type SearchJob__Output,
  type SearchServiceClient,
  type StartSearchResponse__Output,
} from '../libs/rpc/src/index.js';
import { call, registerDataset } from './support/grpc.js';
import { until } from './support/poll.js';
import { Suite } from './support/suite.js';
import { syntheticFiles } from './support/synthetic.js';

let dataDir: string;
let suite: Suite;
let search: SearchServiceClient;
const clients: Array<{ close(): void }> = [];

/** Ids of the live processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (in parentheses): state, ppid, ...
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function serverPid(): number {
  const pid = suite.procs.get('search')?.child.pid;
  assert.ok(pid, 'the search service runs');
  return pid;
}

const getJob = async (jobId: string): Promise<SearchJob__Output> =>
  (await call<GetSearchResponse__Output>(search, 'getSearch', { jobId })).job!;

/** Starts a search far longer than the test lets it run; resolves once it has made steps. */
async function startLongSearch(seed: number): Promise<string> {
  const jobId = (
    await call<StartSearchResponse__Output>(search, 'startSearch', {
      dataset: { name: 'isolation' },
      searchSpace: { preset: 'SEARCH_SPACE_PRESET_TINY' },
      budget: { maxSteps: 100_000 },
      seed,
      genotypeName: 'isolation',
      hyperParameters: { batchSize: 2, imageSize: 32 },
    })
  ).job!.jobId;
  await until(
    `search ${jobId} to make steps`,
    () => getJob(jobId),
    (j) => j.step > 0,
  );
  return jobId;
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'nasunet-e2e-jobproc-'));
  suite = new Suite(dataDir);
  await suite.start(['registry', 'search']);
  const registry = createRegistryClient(suite.address('registry'));
  search = createSearchClient(suite.address('search'));
  clients.push(registry, search);
  const synth = syntheticFiles(6, 32, 4);
  await registerDataset(
    registry,
    { name: 'isolation', layout: 'DATASET_LAYOUT_IMAGE_PAIRS', classNames: synth.classNames, caseCount: 6 },
    synth.files,
  );
});

after(async () => {
  for (const c of clients) c.close();
  await suite?.stopAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test(
  'a search computes in a process of its own; the service answers while it runs; cancel ends that process',
  { timeout: 300_000 },
  async () => {
    const server = serverPid();
    assert.deepEqual(childrenOf(server), [], 'no job process while idle');
    const jobId = await startLongSearch(1);
    const [worker, ...more] = childrenOf(server);
    assert.ok(worker !== undefined && worker !== server, 'the job runs in a child of the service');
    assert.deepEqual(more, []);

    const health = createHealthClient(suite.address('search'));
    clients.push(health);
    for (let i = 0; i < 20; i++) {
      assert.equal(await checkHealth(health, '', 10_000), 'SERVING');
      assert.equal((await getJob(jobId)).state, 'JOB_STATE_RUNNING');
    }

    await call(search, 'cancelSearch', { jobId });
    await until(
      'the job process to end',
      async () => childrenOf(server),
      (c) => c.length === 0,
      60_000,
    );
    const cancelled = await until(
      'the job to be cancelled',
      () => getJob(jobId),
      (j) => j.state === 'JOB_STATE_CANCELLED',
    );
    assert.equal(cancelled.errorMessage, '');
  },
);

test(
  'a job whose process dies fails with an error that says so and names no server path',
  { timeout: 300_000 },
  async () => {
    const server = serverPid();
    const jobId = await startLongSearch(2);
    const [worker] = childrenOf(server);
    assert.ok(worker !== undefined);
    process.kill(worker, 'SIGKILL');
    const failed = await until(
      'the job to fail',
      () => getJob(jobId),
      (j) => j.state === 'JOB_STATE_FAILED',
      60_000,
    );
    assert.equal(failed.errorMessage, "the job's process was killed by SIGKILL before the job finished");
    // The service itself is unharmed.
    assert.deepEqual(childrenOf(server), []);
    const health = createHealthClient(suite.address('search'));
    clients.push(health);
    assert.equal(await checkHealth(health, '', 10_000), 'SERVING');
  },
);
