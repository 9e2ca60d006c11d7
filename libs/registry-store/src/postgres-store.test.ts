/**
 * The registry store suite on a PostgreSQL server started for it, plus what only a shared
 * database offers: the blob lock that replicas take turns on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresServer } from '../../../test/support/postgres.js';
import { BackendError } from '../../core/src/index.js';
import { PostgresDatabase } from './postgres-database.js';
import { SqlRegistryStore } from './sql-store.js';
import { registryStoreContract } from './store-contract.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server?.stop());

registryStoreContract(
  'postgres',
  () => ({
    createDatabase: () => server.createDatabase(),
    openDatabase: (url) => PostgresDatabase.connect(url),
  }),
  { replicas: true },
);

test('postgres: two replicas holding the blob lock take turns', async () => {
  const url = await server.createDatabase();
  const [a, b] = await Promise.all(
    [url, url].map(async (u) => SqlRegistryStore.open(await PostgresDatabase.connect(u))),
  );
  assert.deepEqual([a!.shared, b!.shared], [true, true]);
  const events: string[] = [];
  const hold = (store: SqlRegistryStore, who: string) =>
    store.lockBlobs(async () => {
      events.push(`${who} in`);
      // While one holds the lock the other's records still commit (they use other connections).
      await store.createModel({
        name: `m-${who}`,
        architecture: 'unet',
        configJson: '{}',
        metricsJson: '{}',
        lineage: { trainingJobId: '', datasetDigest: '' },
        classNames: ['bg', 'fg'],
        artifacts: [],
      });
      await new Promise((r) => setTimeout(r, 150));
      events.push(`${who} out`);
    });
  await Promise.all([hold(a!, 'a'), hold(b!, 'b'), hold(a!, 'c')]);
  // Each holder left before the next came in.
  for (let i = 0; i < events.length; i += 2) assert.equal(events[i + 1], events[i]!.replace('in', 'out'));
  assert.equal(events.length, 6);
  await Promise.all([a!.close(), b!.close()]);
});

test('postgres: the kept tables cannot be truncated either', async () => {
  const store = await SqlRegistryStore.open(await PostgresDatabase.connect(await server.createDatabase()));
  for (const table of ['alias_history', 'model_retirements'])
    await assert.rejects(
      store.database.write([], (s) => s.exec(`TRUNCATE ${table}`)),
      new RegExp(`${table} rows are kept`),
    );
  await store.close();
});

test('postgres: a database that stops answering is UNAVAILABLE, and the store recovers once it is back', async () => {
  const url = await server.createDatabase();
  const name = new URL(url).pathname.slice(1);
  const store = await SqlRegistryStore.open(await PostgresDatabase.connect(url, { onIdleError: () => {} }));
  await store.createGenotype({
    name: 'g',
    genotypeJson: '{}',
    lineage: { datasetDigest: '', searchJobId: '' },
    alphaHistoryDigest: '',
  });
  const admin = await PostgresDatabase.connect(server.url('postgres'));
  const sql = (text: string) => admin.write([], (s) => s.exec(text));
  // No new connections, and the store's open ones closed by the server.
  await sql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
  await assert.rejects(
    store.getGenotype('g'),
    (e: unknown) =>
      e instanceof BackendError &&
      /database is unavailable/.test(e.message) &&
      !e.message.includes(server.password),
  );
  await sql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
  // As a client retries UNAVAILABLE: a closed connection the pool had not yet noticed may fail one more call.
  let found;
  for (let attempt = 0; attempt < 3 && !found; attempt++)
    found = await store.getGenotype('g').catch((e: unknown) => {
      if (!(e instanceof BackendError)) throw e;
      return undefined;
    });
  assert.equal(found?.version, 1);
  await Promise.all([store.close(), admin.close()]);
});
