/**
 * Registry store latency on SQLite (a file, one process) and on PostgreSQL (a throwaway
 * local server, as test/support/postgres.ts starts it), side by side: each operation's
 * median and 90th percentile per call, and the PostgreSQL / SQLite ratio. Then two stores
 * on one PostgreSQL database (two replicas) registering versions of one model name at
 * once, which take turns on that name's lock, against one store alone.
 *
 * Usage: node dist/bench/registry-store/main.js [--n 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresDatabase, SqlRegistryStore, SqliteDatabase } from '../../libs/registry-store/src/index.js';
import type { NewModel } from '../../libs/registry-store/src/index.js';
import { startPostgres } from '../../test/support/postgres.js';

const nArg = process.argv.indexOf('--n');
const N = nArg > 0 ? Number(process.argv[nArg + 1]) : 200;

const model = (name: string, job: string): NewModel => ({
  name,
  architecture: 'unet',
  configJson: '{}',
  metricsJson: '{"mean_dice":0.8}',
  lineage: { trainingJobId: job, datasetDigest: '' },
  classNames: ['background', 'organ'],
  artifacts: [
    { name: 'manifest.json', digest: 'sha256:' + '1'.repeat(64), sizeBytes: 100 },
    { name: 'weights.bin', digest: 'sha256:' + '2'.repeat(64), sizeBytes: 1000 },
  ],
});

/** Median and p90 of `n` sequential calls, ms. */
async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p90: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n / 2)]!, p90: ms[Math.floor(n * 0.9)]! };
}

type Row = { op: string; p50: number; p90: number };

async function suite(store: SqlRegistryStore): Promise<Row[]> {
  const rows: Row[] = [];
  const add = async (op: string, n: number, fn: (i: number) => Promise<unknown>) =>
    rows.push({ op, ...(await time(n, fn)) });
  await add('createModel (new version)', N, (i) => store.createModel(model('m', `job-${i}`)));
  await add('createModel (same job again)', N, (i) => store.createModel(model('m', `job-${i}`)));
  await add('getModel (latest)', N, () => store.getModel({ name: 'm' }));
  await add('setAlias', N, (i) => store.setAlias('m', 'production', (i % N) + 1, 'bench'));
  await add('getModel (alias)', N, () => store.getModel({ name: 'm', alias: 'production' }));
  await add('listModels (page of 50)', Math.min(N, 50), () =>
    store.listModels('m', { limit: 50, offset: 0 }),
  );
  return rows;
}

async function main(): Promise<void> {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const dir = mkdtempSync(join(tmpdir(), 'bench-registry-'));
  const pg = await startPostgres();
  try {
    const sqlite = await SqlRegistryStore.open(SqliteDatabase.open(join(dir, 'r.db')));
    const lite = await suite(sqlite);
    await sqlite.close();
    const url = await pg.createDatabase();
    const [a, b] = [
      await SqlRegistryStore.open(await PostgresDatabase.connect(url)),
      await SqlRegistryStore.open(await PostgresDatabase.connect(url)),
    ];
    const post = await suite(a);
    console.log(
      `registry store, ${N} calls per operation, load average ${load}, ${new Date().toISOString()}`,
    );
    console.log(
      '| operation | SQLite p50 ms | SQLite p90 ms | PostgreSQL p50 ms | PostgreSQL p90 ms | PostgreSQL / SQLite (p50) |',
    );
    console.log('|---|---|---|---|---|---|');
    lite.forEach((l, i) => {
      const p = post[i]!;
      console.log(
        `| ${l.op} | ${l.p50.toFixed(3)} | ${l.p90.toFixed(3)} | ${p.p50.toFixed(2)} | ${p.p90.toFixed(2)} | ${(p.p50 / l.p50).toFixed(1)} |`,
      );
    });
    // Versions of one name: one replica alone, then two at once (each N/2).
    const t1 = performance.now();
    for (let i = 0; i < N; i++) await a.createModel(model('solo', ''));
    const solo = performance.now() - t1;
    const t2 = performance.now();
    await Promise.all(
      [a, b].map(async (s) => {
        for (let i = 0; i < N / 2; i++) await s.createModel(model('shared', ''));
      }),
    );
    const both = performance.now() - t2;
    const versions = (await b.listModels('shared', { limit: 1000, offset: 0 })).items.map((m) => m.version);
    console.log(
      `PostgreSQL, ${N} versions of one name: one replica ${(N / (solo / 1000)).toFixed(0)}/s, ` +
        `two replicas at once ${(N / (both / 1000)).toFixed(0)}/s (ratio ${(solo / both).toFixed(2)}); ` +
        `versions 1..${Math.max(...versions)}, ${new Set(versions).size} distinct`,
    );
    await Promise.all([a.close(), b.close()]);
  } finally {
    pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
