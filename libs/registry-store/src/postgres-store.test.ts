/**
 * The registry store suite on a PostgreSQL server started for it, plus what only a shared
 * database offers: the blob lock that replicas take turns on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresServer } from '../../../test/support/postgres.js';
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
