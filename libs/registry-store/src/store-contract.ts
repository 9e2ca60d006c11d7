/**
 * The registry store's behaviour, one suite for every database: sqlite-store.test.ts and
 * postgres-store.test.ts run it on their engine. Besides single-process behaviour it races
 * two stores (two connections, as two registry processes would hold) on one database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, NotFoundError, PreconditionError } from '../../core/src/index.js';
import { MIGRATIONS, migrate } from './migrations.js';
import type { SqlDatabase } from './sql-database.js';
import { SqlRegistryStore } from './sql-store.js';
import type { NewModel } from './types.js';

/** Where the suite gets its databases. */
export interface StoreBackend {
  /** A new, empty database; returns where it is (a file, a URL). */
  createDatabase(): Promise<string>;
  /** A connection to the database at `location`, not migrated. */
  openDatabase(location: string): Promise<SqlDatabase>;
}

/** Which engines are raced by two stores on one database. */
export interface ContractOptions {
  /**
   * Whether several registry processes may share a database (PostgreSQL). An SQLite file
   * has one owning process, and two connections of one process would block each other.
   */
  replicas: boolean;
}

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const digestOf = (c: string): string => 'sha256:' + c.repeat(64);
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

/** Runs a statement outside the store, as someone with the database's credentials might. */
const raw = (s: SqlRegistryStore, sql: string): Promise<void> => s.database.write([], (t) => t.run(sql));

/**
 * Registers the store suite under `engine`; `backend` is called once the engine's `before`
 * hooks ran.
 */
export function registryStoreContract(
  engine: string,
  backend: () => StoreBackend,
  { replicas }: ContractOptions,
): void {
  const openStore = async (location?: string): Promise<SqlRegistryStore> => {
    const b = backend();
    return SqlRegistryStore.open(await b.openDatabase(location ?? (await b.createDatabase())));
  };
  /** Two stores on one new database, as two registry replicas. */
  const twoStores = async (): Promise<[SqlRegistryStore, SqlRegistryStore]> => {
    const location = await backend().createDatabase();
    return [await openStore(location), await openStore(location)];
  };

  test(`${engine}: migrations are applied once and re-running them changes nothing`, async () => {
    const location = await backend().createDatabase();
    const s1 = await openStore(location);
    await s1.createGenotype({
      name: 'g',
      genotypeJson: '{}',
      lineage: { datasetDigest: '', searchJobId: '' },
      alphaHistoryDigest: '',
    });
    assert.equal(await s1.schemaVersion(), MIGRATIONS.length);
    await s1.close();
    const db = await backend().openDatabase(location);
    assert.equal(await migrate(db), MIGRATIONS.length);
    assert.equal(await migrate(db), MIGRATIONS.length);
    assert.equal(
      (await db.read((s) => s.get<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations')))!.n,
      MIGRATIONS.length,
    );
    await db.close();
    const s2 = await openStore(location);
    assert.equal((await s2.getGenotype('g')).version, 1);
    await s2.close();
  });

  test(`${engine}: versions are numbered per name and immutable`, async () => {
    const s = await openStore();
    const v1 = await s.createModel(model('m'));
    const v2 = await s.createModel(model('m'));
    const other = await s.createModel(model('n'));
    assert.deepEqual([v1.version, v2.version, other.version], [1, 2, 1]);
    assert.equal((await s.getModel({ name: 'm' })).version, 2);
    assert.deepEqual(v1.artifacts, [{ name: 'weights.bin', digest: DIGEST, sizeBytes: 3 }]);
    // The database itself refuses to change a stored version.
    await assert.rejects(
      raw(s, "UPDATE models SET metrics_json = '{}' WHERE name = 'm' AND version = 1"),
      /immutable/,
    );
    await assert.rejects(raw(s, "UPDATE model_artifacts SET digest = 'x'"), /immutable/);
    assert.equal((await s.getModel({ name: 'm', version: 1 })).metricsJson, '{"mean_dice":0.5}');
    await assert.rejects(s.getModel({ name: 'm', version: 3 }), NotFoundError);
    await assert.rejects(s.getModel({ name: 'm', version: 4_294_967_295 }), NotFoundError);
    await s.close();
  });

  test(`${engine}: a listing carries each version's own artifacts, aliases and retirement`, async () => {
    const s = await openStore();
    const withArtifact = (name: string, c: string): NewModel => ({
      ...model(name),
      artifacts: [
        { name: 'weights.bin', digest: digestOf(c), sizeBytes: 10 },
        { name: 'manifest.json', digest: digestOf('f'), sizeBytes: 2 },
      ],
    });
    await s.createModel(withArtifact('m', '1'));
    await s.createModel(withArtifact('m', '2'));
    await s.createModel(withArtifact('n', '3'));
    await s.setAlias('m', 'production', 2, 'ops');
    await s.setAlias('m', 'canary', 2, 'ops');
    await s.retireModel('n', 1, 'old', 'ops');
    const listed = await s.listModels(undefined, { limit: 2, offset: 0 });
    const rest = await s.listModels(undefined, { limit: 2, offset: listed.nextOffset! });
    assert.deepEqual(
      [...listed.items, ...rest.items].map((m) => [
        `${m.name}:${m.version}`,
        m.artifacts.map((a) => `${a.name}=${a.digest.slice(7, 8)}`),
        m.aliases,
        m.retirement?.reason,
      ]),
      [
        ['m:2', ['manifest.json=f', 'weights.bin=2'], ['canary', 'production'], undefined],
        ['m:1', ['manifest.json=f', 'weights.bin=1'], [], undefined],
        ['n:1', ['manifest.json=f', 'weights.bin=3'], [], 'old'],
      ],
    );
    assert.equal(rest.nextOffset, undefined);
    await s.close();
  });

  test(`${engine}: datasets keep sizes beyond 32 bits and manifests of any length`, async () => {
    const s = await openStore();
    const files = Array.from({ length: 1200 }, (_, i) => ({
      relativePath: `images/case_${String(1199 - i).padStart(4, '0')}.png`,
      sizeBytes: 5 * 1024 ** 3 + i,
      digest: digestOf((i % 10).toString()),
    }));
    const created = await s.createDataset({
      name: 'big',
      layout: 'image_pairs',
      classNames: ['bg', 'fg'],
      caseCount: 1200,
      uri: 'registry',
      description: 'large',
      files,
    });
    const expectedBytes = files.reduce((n, f) => n + f.sizeBytes, 0);
    assert.deepEqual([created.sizeBytes, created.fileCount], [expectedBytes, 1200]);
    assert.deepEqual(await s.getDataset('big'), created);
    const stored = await s.getDatasetFiles('big');
    assert.equal(stored.length, 1200);
    assert.deepEqual(stored[0], {
      relativePath: 'images/case_0000.png',
      sizeBytes: 5 * 1024 ** 3 + 1199,
      digest: digestOf('9'),
    });
    await assert.rejects(
      s.createDataset({
        name: 'big',
        layout: 'msd',
        classNames: ['a', 'b'],
        caseCount: 1,
        uri: 'registry',
        description: '',
        files: [],
      }),
      AlreadyExistsError,
    );
    await assert.rejects(s.getDatasetFiles('nope'), NotFoundError);
    const listed = await s.listDatasets({ limit: 10, offset: 0 });
    assert.deepEqual(
      listed.items.map((d) => d.name),
      ['big'],
    );
    await s.close();
  });

  test(`${engine}: a job registers its result once: the same job id gets the version it created`, async () => {
    const s = await openStore();
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

  test(`${engine}: unreferenced digests: only those no dataset file, artifact or alpha history names`, async () => {
    const s = await openStore();
    await s.createModel({ ...model('m'), artifacts: [{ name: 'w', digest: digestOf('1'), sizeBytes: 1 }] });
    await s.createGenotype({
      name: 'g',
      genotypeJson: '{}',
      lineage: { datasetDigest: '', searchJobId: '' },
      alphaHistoryDigest: digestOf('2'),
    });
    await s.createDataset({
      name: 'ds',
      layout: 'image_pairs',
      classNames: ['bg', 'fg'],
      caseCount: 1,
      uri: 'registry',
      description: '',
      files: [{ relativePath: 'images/a.png', sizeBytes: 1, digest: digestOf('3') }],
    });
    assert.deepEqual(await s.unreferencedDigests(['1', '2', '3', '4', '5'].map(digestOf)), [
      digestOf('4'),
      digestOf('5'),
    ]);
    await s.close();
  });

  test(`${engine}: alias moves are atomic and recorded with their caller in the audit trail`, async () => {
    const s = await openStore();
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
    await assert.rejects(raw(s, "UPDATE alias_history SET actor = 'x'"), /immutable/);
    await assert.rejects(raw(s, 'DELETE FROM alias_history'), /kept/);
    await assert.rejects(raw(s, 'DELETE FROM model_retirements'), /kept/);
    assert.equal((await s.auditRecords('m', { limit: 10, offset: 0 })).items.length, 4);
    await s.close();
  });

  test(`${engine}: a retired version is never the latest nor an alias target; retiring twice changes nothing`, async () => {
    const s = await openStore();
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
      (e: unknown) =>
        e instanceof PreconditionError && /every version of model "m" is retired/.test(e.message),
    );
    await assert.rejects(s.getModel({ name: 'nope' }), NotFoundError);
    const listed = await s.listModels('m', { limit: 10, offset: 0 });
    assert.deepEqual(
      listed.items.map((m) => m.retirement !== undefined),
      [true, true, true],
    );
    // Retirement is permanent in the database too.
    await assert.rejects(raw(s, "UPDATE model_retirements SET reason = 'x'"), /immutable/);
    await s.close();
  });

  test(`${engine}: a database of schema 1 opens migrated: its models stay, active and retirable`, async () => {
    const location = await backend().createDatabase();
    const db = await backend().openDatabase(location);
    await migrate(db, MIGRATIONS.slice(0, 1));
    await db.write([], (s) =>
      s.run(
        `INSERT INTO models (name, version, architecture, config_json, metrics_json, class_names, training_job_id, dataset_digest, created_at)
         VALUES ('old', 1, 'unet', '{}', '{}', '["background","organ"]', '', '', '2025-01-01T00:00:00.000Z')`,
      ),
    );
    await db.close();
    const s = await openStore(location);
    assert.equal(await s.schemaVersion(), MIGRATIONS.length);
    const old = await s.getModel({ name: 'old' });
    assert.deepEqual([old.version, old.retirement], [1, undefined]);
    assert.equal((await s.retireModel('old', 1, 'superseded', 'ops')).model.retirement?.reason, 'superseded');
    await s.close();
  });

  // ---- two stores on one database, as two registry replicas ----
  if (!replicas) return;

  test(`${engine}: registry processes starting together migrate the schema once`, async () => {
    const location = await backend().createDatabase();
    const dbs = await Promise.all([0, 1, 2].map(() => backend().openDatabase(location)));
    assert.deepEqual(
      await Promise.all(dbs.map((db) => migrate(db))),
      dbs.map(() => MIGRATIONS.length),
    );
    const versions = await dbs[0]!.read((s) =>
      s.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'),
    );
    assert.deepEqual(
      versions.map((v) => v.version),
      MIGRATIONS.map((m) => m.version),
    );
    await Promise.all(dbs.map((db) => db.close()));
  });

  test(`${engine}: two replicas registering one job's result at once get one version`, async () => {
    const [a, b] = await twoStores();
    const both = (i: number) => (i % 2 === 0 ? a : b);
    const sameJob = await Promise.all(
      Array.from({ length: 12 }, (_, i) => both(i).createModel(model('m', 'train-shared'))),
    );
    assert.deepEqual(new Set(sameJob.map((m) => m.version)), new Set([1]));
    const genotypes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        both(i).createGenotype({
          name: 'g',
          genotypeJson: '{}',
          lineage: { datasetDigest: '', searchJobId: `search-${i % 3}` },
          alphaHistoryDigest: '',
        }),
      ),
    );
    assert.deepEqual(
      [...new Set(genotypes.map((g) => `${g.lineage.searchJobId}=${g.version}`))].length,
      3,
      'one version per search job',
    );
    // Distinct jobs at once: every version number once, none lost.
    const distinct = await Promise.all(Array.from({ length: 12 }, (_, i) => both(i).createModel(model('n'))));
    assert.deepEqual(
      distinct.map((m) => m.version).sort((x, y) => x - y),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    assert.equal((await a.listModels('m', { limit: 100, offset: 0 })).items.length, 1);
    await Promise.all([a.close(), b.close()]);
  });

  test(`${engine}: two replicas moving one alias at once keep its trail a single chain`, async () => {
    const [a, b] = await twoStores();
    for (let i = 0; i < 4; i++) await a.createModel(model('m'));
    const moves = await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).setAlias('m', 'production', (i % 4) + 1, `r${i}`)),
    );
    assert.equal(moves.filter((prev) => prev === 0).length, 1, 'exactly one move created the alias');
    const trail = (await b.auditRecords('m', { limit: 100, offset: 0 })).items.reverse();
    assert.equal(trail.length, 16);
    // Oldest first: each move starts where the one before it left the alias.
    trail.forEach((r, i) => assert.equal(r.previousVersion, i === 0 ? 0 : trail[i - 1]!.version));
    const current = await a.getModel({ name: 'm', alias: 'production' });
    assert.equal(current.version, trail.at(-1)!.version);
    await Promise.all([a.close(), b.close()]);
  });

  test(`${engine}: retiring a version while another replica points an alias at it: one of the two wins`, async () => {
    const [a, b] = await twoStores();
    for (let round = 0; round < 6; round++) {
      const name = `m${round}`;
      await a.createModel(model(name));
      await a.createModel(model(name));
      const [alias, retire] = await Promise.allSettled([
        a.setAlias(name, 'production', 2, 'ops'),
        b.retireModel(name, 2, 'bad', 'ops'),
      ]);
      const v2 = await a.getModel({ name, version: 2 });
      if (alias.status === 'fulfilled') {
        assert.equal(retire.status, 'rejected');
        assert.ok((retire as PromiseRejectedResult).reason instanceof PreconditionError);
        assert.deepEqual([v2.aliases, v2.retirement], [['production'], undefined]);
      } else {
        assert.equal(retire.status, 'fulfilled');
        assert.ok(alias.reason instanceof PreconditionError);
        assert.deepEqual(v2.aliases, []);
        assert.equal(v2.retirement?.reason, 'bad');
      }
    }
    await Promise.all([a.close(), b.close()]);
  });

  test(`${engine}: two replicas creating one dataset name at once: one wins, the other is told`, async () => {
    const [a, b] = await twoStores();
    const dataset = (description: string) => ({
      name: 'ds',
      layout: 'image_pairs' as const,
      classNames: ['bg', 'fg'],
      caseCount: 1,
      uri: 'registry',
      description,
      files: [{ relativePath: 'images/a.png', sizeBytes: 1, digest: digestOf(description) }],
    });
    const [ra, rb] = await Promise.allSettled([a.createDataset(dataset('1')), b.createDataset(dataset('2'))]);
    const won = [ra, rb].filter((r) => r.status === 'fulfilled');
    const lost = [ra, rb].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.deepEqual([won.length, lost.length], [1, 1]);
    assert.ok(lost[0]!.reason instanceof AlreadyExistsError);
    // The files are the winner's, never a mixture.
    const winner = (await a.getDataset('ds')).description;
    assert.deepEqual(await b.getDatasetFiles('ds'), [
      { relativePath: 'images/a.png', sizeBytes: 1, digest: digestOf(winner) },
    ]);
    await Promise.all([a.close(), b.close()]);
  });
}
