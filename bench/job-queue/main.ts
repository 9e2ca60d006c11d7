/**
 * Job queue benchmark: the life of one job as a worker sees it (enqueue, claim, 10
 * heartbeats with progress, 10 published events, complete) on the embedded queue (SQLite
 * file) and on BullMQ with a local redis-server started for the run; also the time from a
 * worker's publish to a watcher in another queue instance (another process's view) on
 * BullMQ. Prints medians per job and the ratio BullMQ / SQLite.
 *
 * Usage: node dist/bench/job-queue/main.js [--jobs 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BullMqJobQueue } from '../../libs/jobs/src/bullmq-job-queue.js';
import { SqliteJobQueue, type JobQueue } from '../../libs/jobs/src/index.js';
import { startRedis } from '../../test/support/redis.js';
import { median } from '../../libs/core/src/index.js';

/** Milliseconds of one job's whole life, per job. */
async function jobLives(q: JobQueue, jobs: number): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < jobs; n++) {
    const t0 = performance.now();
    const job = await q.enqueue('bench', { n });
    await q.claim('bench', 'w1');
    const by = { workerId: 'w1', attempt: 1 };
    for (let k = 1; k <= 10; k++) {
      await q.heartbeat(job.id, 'w1', { progress: k / 10, attempt: 1 });
      await q.publish(job.id, 'step', { step: k, loss: 0.5 }, by);
    }
    await q.complete(job.id, { ok: true }, by);
    times.push(performance.now() - t0);
  }
  return times;
}

/** Milliseconds from publish (one instance) to the watcher's receipt (another instance). */
async function watchLatency(a: JobQueue, b: JobQueue, events: number): Promise<number[]> {
  const job = await a.enqueue('bench', {});
  await a.claim('bench', 'w1');
  const sent = new Map<number, number>();
  const seen: number[] = [];
  const watching = (async () => {
    for await (const u of b.watch(job.id)) {
      if (u.kind === 'event') seen.push(performance.now() - sent.get((u.event.data as { k: number }).k)!);
    }
  })();
  await new Promise((r) => setTimeout(r, 200));
  for (let k = 0; k < events; k++) {
    sent.set(k, performance.now());
    await a.publish(job.id, 'step', { k });
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 200));
  await a.complete(job.id, {});
  await watching;
  return seen;
}

async function main(): Promise<void> {
  const jobsArg = process.argv.indexOf('--jobs');
  const jobs = jobsArg > 0 ? Number(process.argv[jobsArg + 1]) : 200;
  const dir = mkdtempSync(join(tmpdir(), 'nasunet-bench-queue-'));
  const redis = await startRedis();
  try {
    const sqlite = new SqliteJobQueue({ file: join(dir, 'jobs.sqlite') });
    const sqliteMs = median(await jobLives(sqlite, jobs));
    await sqlite.close();
    const bull = new BullMqJobQueue({ url: redis.url });
    const bullMs = median(await jobLives(bull, jobs));
    const other = new BullMqJobQueue({ url: redis.url });
    const watchMs = median(await watchLatency(bull, other, 100));
    await other.close();
    await bull.close();
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(`job queue bench: ${jobs} jobs, each enqueue + claim + 10 heartbeats + 10 events + complete`);
    console.log(`load average at the end: ${load}`);
    console.log(`| queue | median ms per job | ratio |`);
    console.log(`|---|---|---|`);
    console.log(`| sqlite (file, WAL) | ${sqliteMs.toFixed(2)} | 1.00 |`);
    console.log(`| bullmq (local redis-server) | ${bullMs.toFixed(2)} | ${(bullMs / sqliteMs).toFixed(2)} |`);
    console.log(
      `bullmq publish -> watcher in another queue instance: median ${watchMs.toFixed(2)} ms (100 events)`,
    );
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
