import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NotFoundError, PreconditionError } from '../../core/src/index.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { SqliteRegistryStore } from './sqlite-store.js';
import type { NewModel } from './types.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
let trainingJobs = 0;
/** A new model version from a training job of its own (or of `trainingJobId`). */
const model = (name: string, trainingJobId = `train-${++trainingJobs}`): NewModel => ({
  name,
  architecture: 'unet',
  configJson: '{}',
  metricsJson: '{"mean_dice":0.5}',
  lineage: { trainingJobId, datasetDigest: DIGEST },
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

test('a job registers its result once: the same job id gets the version it created', async () => {
  const s = await SqliteRegistryStore.open(':memory:');
  const genotype = (searchJobId: string) =>
    s.createGenotype({
      name: 'g',
      genotypeJson: `{"job":"${searchJobId}"}`,
      lineage: { datasetDigest: '', searchJobId },
      alphaHistoryDigest: '',
    });
  const first = await genotype('search-1');
  assert.deepEqual(await genotype('search-1'), first);
  assert.deepEqual(
    [(await genotype('search-2')).version, (await genotype('')).version, (await genotype('')).version],
    [2, 3, 4],
    'other jobs and hand-written genotypes add versions',
  );
  const m1 = await s.createModel(model('m', 'train-a'));
  assert.deepEqual(await s.createModel({ ...model('m', 'train-a'), metricsJson: '{}' }), m1);
  assert.deepEqual(
    [(await s.createModel(model('m', ''))).version, (await s.createModel(model('m', ''))).version],
    [2, 3],
  );
  assert.equal((await s.createModel(model('other', 'train-a'))).version, 1, 'per model name');
  await s.close();
});

test('unreferenced digests: only those no dataset file, artifact or alpha history names', async () => {
  const s = await SqliteRegistryStore.open(':memory:');
  const d = (c: string) => 'sha256:' + c.repeat(64);
  await s.createModel({ ...model('m'), artifacts: [{ name: 'w', digest: d('1'), sizeBytes: 1 }] });
  await s.createGenotype({
    name: 'g',
    genotypeJson: '{}',
    lineage: { datasetDigest: '', searchJobId: '' },
    alphaHistoryDigest: d('2'),
  });
  await s.createDataset({
    name: 'ds',
    layout: 'image_pairs',
    classNames: ['bg', 'fg'],
    caseCount: 1,
    uri: 'registry',
    description: '',
    files: [{ relativePath: 'images/a.png', sizeBytes: 1, digest: d('3') }],
  });
  assert.deepEqual(await s.unreferencedDigests([d('1'), d('2'), d('3'), d('4'), d('5')]), [d('4'), d('5')]);
  await s.close();
});

test('alias moves are atomic and recorded with their caller in the audit trail', async () => {
  const s = await SqliteRegistryStore.open(':memory:');
  await s.createModel(model('m'));
  await s.createModel(model('m'));
  assert.equal(await s.setAlias('m', 'production', 1, 'ops'), 0);
  assert.equal(await s.setAlias('m', 'production', 2, 'release-bot'), 1);
  // A move to a missing version fails and leaves the alias where it was.
  await assert.rejects(s.setAlias('m', 'production', 9, 'ops'), NotFoundError);
  const cur = await s.getModel({ name: 'm', alias: 'production' });
  assert.deepEqual([cur.version, cur.aliases], [2, ['production']]);
  assert.deepEqual((await s.getModel({ name: 'm', version: 1 })).aliases, []);
  assert.equal(await s.deleteAlias('m', 'production', 'ops'), 2);
  await assert.rejects(s.getModel({ name: 'm', alias: 'production' }), NotFoundError);
  await s.retireModel('m', 1, 'regression', 'ops');
  const trail = await s.auditRecords('m', { limit: 10, offset: 0 });
  assert.deepEqual(
    trail.items.map((r) => [r.action, r.actor, r.version, r.previousVersion, r.reason]),
    [
      ['retire_model', 'ops', 1, 0, 'regression'],
      ['delete_alias', 'ops', 0, 2, ''],
      ['set_alias', 'release-bot', 2, 1, ''],
      ['set_alias', 'ops', 1, 0, ''],
    ],
  );
  assert.deepEqual((await s.auditRecords('other', { limit: 10, offset: 0 })).items, []);
  const first = await s.auditRecords(undefined, { limit: 3, offset: 0 });
  assert.deepEqual([first.items.length, first.nextOffset], [3, 3]);
  // The trail can be neither rewritten nor shortened.
  const db = (s as unknown as { db: Database.Database }).db;
  assert.throws(() => db.prepare("UPDATE alias_history SET actor = 'x'").run(), /immutable/);
  assert.throws(() => db.prepare('DELETE FROM alias_history').run(), /kept/);
  assert.throws(() => db.prepare('DELETE FROM model_retirements').run(), /kept/);
  await s.close();
});

test('a retired version is never the latest nor an alias target; retiring twice changes nothing', async () => {
  const s = await SqliteRegistryStore.open(':memory:');
  for (let i = 0; i < 3; i++) await s.createModel(model('m'));
  await s.setAlias('m', 'production', 3, 'ops');
  // An alias target cannot be retired: the alias is named, nothing changes.
  await assert.rejects(
    s.retireModel('m', 3, 'regression', 'ops'),
    (e: unknown) => e instanceof PreconditionError && /alias "production"; move or remove/.test(e.message),
  );
  assert.equal((await s.getModel({ name: 'm', version: 3 })).retirement, undefined);
  await s.setAlias('m', 'production', 2, 'ops');
  const first = await s.retireModel('m', 3, 'regression', 'ops');
  assert.equal(first.alreadyRetired, false);
  assert.equal(first.model.retirement?.reason, 'regression');
  const again = await s.retireModel('m', 3, 'other reason', 'ops');
  assert.equal(again.alreadyRetired, true);
  assert.deepEqual(again.model.retirement, first.model.retirement, 'the first reason and time stay');
  // Latest skips it; the number still reaches it; no alias may point at it.
  assert.equal((await s.getModel({ name: 'm' })).version, 2);
  assert.equal((await s.getModel({ name: 'm', version: 3 })).retirement?.reason, 'regression');
  await assert.rejects(s.setAlias('m', 'staging', 3, 'ops'), PreconditionError);
  await assert.rejects(s.retireModel('m', 9, '', 'ops'), NotFoundError);
  await s.deleteAlias('m', 'production', 'ops');
  await s.retireModel('m', 2, '', 'ops');
  await s.retireModel('m', 1, '', 'ops');
  await assert.rejects(
    s.getModel({ name: 'm' }),
    (e: unknown) => e instanceof PreconditionError && /every version of model "m" is retired/.test(e.message),
  );
  await assert.rejects(s.getModel({ name: 'nope' }), NotFoundError);
  const listed = await s.listModels('m', { limit: 10, offset: 0 });
  assert.deepEqual(
    listed.items.map((m) => m.retirement !== undefined),
    [true, true, true],
  );
  // Retirement is permanent in the database too.
  const db = (s as unknown as { db: Database.Database }).db;
  assert.throws(() => db.prepare("UPDATE model_retirements SET reason = 'x'").run(), /immutable/);
  await s.close();
});

test('a database of schema 1 opens migrated: its models stay, active and retirable', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reg-'));
  try {
    const file = join(dir, 'r.db');
    const db = new Database(file);
    migrate(db, MIGRATIONS.slice(0, 1));
    db.prepare(
      `INSERT INTO models (name, version, architecture, config_json, metrics_json, class_names, training_job_id, dataset_digest, created_at)
       VALUES ('old', 1, 'unet', '{}', '{}', '["background","organ"]', '', '', '2025-01-01T00:00:00.000Z')`,
    ).run();
    db.close();
    const s = await SqliteRegistryStore.open(file);
    assert.equal(await s.schemaVersion(), MIGRATIONS.length);
    const old = await s.getModel({ name: 'old' });
    assert.deepEqual([old.version, old.retirement], [1, undefined]);
    assert.equal((await s.retireModel('old', 1, 'superseded', 'ops')).model.retirement?.reason, 'superseded');
    await s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
