import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NotFoundError } from '../../core/src/index.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { SqliteRegistryStore } from './sqlite-store.js';
import type { NewModel } from './types.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const model = (name: string): NewModel => ({
  name,
  architecture: 'unet',
  configJson: '{}',
  metricsJson: '{"mean_dice":0.5}',
  lineage: { trainingJobId: 'train-1', datasetDigest: DIGEST },
  classNames: ['background', 'organ'],
  artifacts: [{ name: 'weights.bin', digest: DIGEST, sizeBytes: 3 }],
});

test('migrations are applied once and re-running them changes nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reg-'));
  try {
    const file = join(dir, 'r.db');
    const s1 = await SqliteRegistryStore.open(file);
    await s1.createGenotype({
      name: 'g',
      genotypeJson: '{}',
      lineage: { datasetDigest: '', searchJobId: '' },
      alphaHistoryDigest: '',
    });
    assert.equal(await s1.schemaVersion(), MIGRATIONS.length);
    await s1.close();
    const db = new Database(file);
    assert.equal(migrate(db), MIGRATIONS.length);
    assert.equal(migrate(db), MIGRATIONS.length);
    assert.equal(
      (db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n,
      MIGRATIONS.length,
    );
    db.close();
    const s2 = await SqliteRegistryStore.open(file);
    assert.equal((await s2.getGenotype('g')).version, 1);
    await s2.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('versions are numbered per name and immutable', async () => {
  const s = await SqliteRegistryStore.open(':memory:');
  const v1 = await s.createModel(model('m'));
  const v2 = await s.createModel(model('m'));
  const other = await s.createModel(model('n'));
  assert.deepEqual([v1.version, v2.version, other.version], [1, 2, 1]);
  assert.equal((await s.getModel({ name: 'm' })).version, 2);
  assert.deepEqual(v1.artifacts, [{ name: 'weights.bin', digest: DIGEST, sizeBytes: 3 }]);
  // The database itself refuses to change a stored version.
  const db = (s as unknown as { db: Database.Database }).db;
  assert.throws(
    () => db.prepare("UPDATE models SET metrics_json = '{}' WHERE name = 'm' AND version = 1").run(),
    /immutable/,
  );
  assert.throws(() => db.prepare("UPDATE model_artifacts SET digest = 'x'").run(), /immutable/);
  assert.equal((await s.getModel({ name: 'm', version: 1 })).metricsJson, '{"mean_dice":0.5}');
  await assert.rejects(s.getModel({ name: 'm', version: 3 }), NotFoundError);
  await s.close();
});

test('alias moves are atomic and recorded in the history', async () => {
  const s = await SqliteRegistryStore.open(':memory:');
  await s.createModel(model('m'));
  await s.createModel(model('m'));
  assert.equal(await s.setAlias('m', 'production', 1), 0);
  assert.equal(await s.setAlias('m', 'production', 2), 1);
  // A move to a missing version fails and leaves the alias where it was.
  await assert.rejects(s.setAlias('m', 'production', 9), NotFoundError);
  const cur = await s.getModel({ name: 'm', alias: 'production' });
  assert.deepEqual([cur.version, cur.aliases], [2, ['production']]);
  assert.deepEqual((await s.getModel({ name: 'm', version: 1 })).aliases, []);
  assert.equal(await s.deleteAlias('m', 'production'), 2);
  await assert.rejects(s.getModel({ name: 'm', alias: 'production' }), NotFoundError);
  const hist = await s.aliasHistory('m', 'production');
  assert.deepEqual(
    hist.map((h) => [h.previousVersion, h.newVersion]),
    [
      [0, 1],
      [1, 2],
      [2, 0],
    ],
  );
  await s.close();
});
