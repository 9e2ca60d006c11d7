/**
 * `RegistryStore` over a {@link SqlDatabase}: the same statements on SQLite and PostgreSQL.
 * Versions are assigned inside write transactions that hold the name's lock, so registry
 * processes sharing a database never number two versions alike, never register one job's
 * result twice and never record an alias move against a stale previous version.
 */
import { AlreadyExistsError, NotFoundError, PreconditionError } from '../../core/src/index.js';
import { manifestDigest } from './manifest.js';
import { migrate, schemaVersion } from './migrations.js';
import type { SqlDatabase, SqlSession, SqlValue } from './sql-database.js';
import type {
  AuditRecord,
  DatasetFileRecord,
  DatasetLayout,
  DatasetRecord,
  GenotypeRecord,
  ModelRecord,
  ModelSelector,
  NewDataset,
  NewGenotype,
  NewModel,
  Page,
  PageQuery,
  RegistryStore,
} from './types.js';

interface DatasetRow {
  name: string;
  digest: string;
  layout: string;
  class_names: string;
  case_count: number;
  uri: string;
  size_bytes: number;
  file_count: number;
  description: string;
  created_at: string;
}
interface GenotypeRow {
  name: string;
  version: number;
  genotype_json: string;
  dataset_digest: string;
  search_job_id: string;
  alpha_history_digest: string;
  created_at: string;
}
interface ModelRow {
  name: string;
  version: number;
  architecture: string;
  genotype_name: string | null;
  genotype_version: number | null;
  config_json: string;
  metrics_json: string;
  class_names: string;
  training_job_id: string;
  dataset_digest: string;
  created_at: string;
}

const now = (): string => new Date().toISOString();

/** Largest version number a database column holds; a larger one names nothing. */
const MAX_VERSION = 2_147_483_647;

function page<T>(rows: T[], q: PageQuery): Page<T> {
  // Rows were fetched with limit + 1 to know whether another page exists.
  return rows.length > q.limit
    ? { items: rows.slice(0, q.limit), nextOffset: q.offset + q.limit }
    : { items: rows };
}

/** Inserts rows in batches of multi-row statements (one round trip per batch). */
async function insertRows(
  s: SqlSession,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
): Promise<void> {
  const batch = Math.floor(500 / columns.length);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += batch) {
    const part = rows.slice(i, i + batch);
    await s.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => tuple).join(', ')}`,
      part.flat(),
    );
  }
}

/** Lock of a model name: its versions, aliases and retirements change one writer at a time. */
const modelLock = (name: string): string => `model:${name}`;

/** {@link RegistryStore} on SQLite or PostgreSQL. */
export class SqlRegistryStore implements RegistryStore {
  /** @param database migrated (see {@link SqlRegistryStore.open}). */
  constructor(readonly database: SqlDatabase) {}

  /** Migrates `database` to the newest schema and returns the store on it. */
  static async open(database: SqlDatabase): Promise<SqlRegistryStore> {
    try {
      await migrate(database);
    } catch (e) {
      await database.close();
      throw e;
    }
    return new SqlRegistryStore(database);
  }

  get shared(): boolean {
    return this.database.shared;
  }

  schemaVersion(): Promise<number> {
    return schemaVersion(this.database);
  }

  close(): Promise<void> {
    return this.database.close();
  }

  lockBlobs<T>(fn: () => Promise<T>): Promise<T> {
    return this.database.exclusive('blobs', fn);
  }

  // ---- datasets ----

  async createDataset(input: NewDataset): Promise<DatasetRecord> {
    const files = [...input.files].sort((a, b) =>
      a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0,
    );
    const row: DatasetRow = {
      name: input.name,
      digest: manifestDigest(files),
      layout: input.layout,
      class_names: JSON.stringify(input.classNames),
      case_count: input.caseCount,
      uri: input.uri,
      size_bytes: files.reduce((s, f) => s + f.sizeBytes, 0),
      file_count: files.length,
      description: input.description,
      created_at: now(),
    };
    await this.database.write([`dataset:${input.name}`], async (s) => {
      if (await s.get('SELECT 1 FROM datasets WHERE name = ?', [input.name]))
        throw new AlreadyExistsError(
          `dataset "${input.name}" already exists; datasets are immutable, choose another name`,
        );
      await insertRows(s, 'datasets', Object.keys(row), [Object.values(row)]);
      await insertRows(
        s,
        'dataset_files',
        ['dataset', 'relative_path', 'size_bytes', 'digest'],
        files.map((f) => [input.name, f.relativePath, f.sizeBytes, f.digest]),
      );
    });
    return toDataset(row);
  }

  async getDataset(name: string): Promise<DatasetRecord> {
    const row = await this.database.read((s) =>
      s.get<DatasetRow>('SELECT * FROM datasets WHERE name = ?', [name]),
    );
    if (!row) throw new NotFoundError(`dataset "${name}" not found`);
    return toDataset(row);
  }

  async getDatasetFiles(name: string): Promise<DatasetFileRecord[]> {
    const rows = await this.database.read(async (s) => {
      if (!(await s.get('SELECT 1 FROM datasets WHERE name = ?', [name])))
        throw new NotFoundError(`dataset "${name}" not found`);
      return s.all<{ relative_path: string; size_bytes: number; digest: string }>(
        'SELECT relative_path, size_bytes, digest FROM dataset_files WHERE dataset = ? ORDER BY relative_path',
        [name],
      );
    });
    return rows.map((r) => ({ relativePath: r.relative_path, sizeBytes: r.size_bytes, digest: r.digest }));
  }

  async listDatasets(q: PageQuery): Promise<Page<DatasetRecord>> {
    const rows = await this.database.read((s) =>
      s.all<DatasetRow>('SELECT * FROM datasets ORDER BY name LIMIT ? OFFSET ?', [q.limit + 1, q.offset]),
    );
    return page(rows.map(toDataset), q);
  }

  // ---- genotypes ----

  createGenotype(input: NewGenotype): Promise<GenotypeRecord> {
    return this.database.write([`genotype:${input.name}`], async (s) => {
      if (input.lineage.searchJobId !== '') {
        const earlier = await s.get<GenotypeRow>(
          'SELECT * FROM genotypes WHERE name = ? AND search_job_id = ? ORDER BY version LIMIT 1',
          [input.name, input.lineage.searchJobId],
        );
        if (earlier) return toGenotype(earlier);
      }
      const row: GenotypeRow = {
        name: input.name,
        version: await nextVersion(s, 'genotypes', input.name),
        genotype_json: input.genotypeJson,
        dataset_digest: input.lineage.datasetDigest,
        search_job_id: input.lineage.searchJobId,
        alpha_history_digest: input.alphaHistoryDigest,
        created_at: now(),
      };
      await insertRows(s, 'genotypes', Object.keys(row), [Object.values(row)]);
      return toGenotype(row);
    });
  }

  async getGenotype(name: string, version?: number): Promise<GenotypeRecord> {
    const row =
      version && version > MAX_VERSION
        ? undefined
        : await this.database.read((s) =>
            version
              ? s.get<GenotypeRow>('SELECT * FROM genotypes WHERE name = ? AND version = ?', [name, version])
              : s.get<GenotypeRow>('SELECT * FROM genotypes WHERE name = ? ORDER BY version DESC LIMIT 1', [
                  name,
                ]),
          );
    if (!row)
      throw new NotFoundError(
        version ? `genotype "${name}" version ${version} not found` : `genotype "${name}" not found`,
      );
    return toGenotype(row);
  }

  async listGenotypes(name: string | undefined, q: PageQuery): Promise<Page<GenotypeRecord>> {
    const rows = await this.database.read((s) => versionPage<GenotypeRow>(s, 'genotypes', name, q));
    return page(rows.map(toGenotype), q);
  }

  // ---- models ----

  createModel(input: NewModel): Promise<ModelRecord> {
    return this.database.write([modelLock(input.name)], async (s) => {
      if (
        input.genotype &&
        !(await s.get('SELECT 1 FROM genotypes WHERE name = ? AND version = ?', [
          input.genotype.name,
          input.genotype.version,
        ]))
      ) {
        throw new NotFoundError(
          `genotype "${input.genotype.name}" version ${input.genotype.version} not found`,
        );
      }
      if (input.lineage.trainingJobId !== '') {
        const earlier = await s.get<ModelRow>(
          'SELECT * FROM models WHERE name = ? AND training_job_id = ? ORDER BY version LIMIT 1',
          [input.name, input.lineage.trainingJobId],
        );
        if (earlier) return toModel(s, earlier);
      }
      const version = await nextVersion(s, 'models', input.name);
      const row: ModelRow = {
        name: input.name,
        version,
        architecture: input.architecture,
        genotype_name: input.genotype?.name ?? null,
        genotype_version: input.genotype?.version ?? null,
        config_json: input.configJson,
        metrics_json: input.metricsJson,
        class_names: JSON.stringify(input.classNames),
        training_job_id: input.lineage.trainingJobId,
        dataset_digest: input.lineage.datasetDigest,
        created_at: now(),
      };
      await insertRows(s, 'models', Object.keys(row), [Object.values(row)]);
      await insertRows(
        s,
        'model_artifacts',
        ['model_name', 'model_version', 'artifact_name', 'digest', 'size_bytes'],
        input.artifacts.map((a) => [input.name, version, a.name, a.digest, a.sizeBytes]),
      );
      return toModel(s, row);
    });
  }

  getModel(sel: ModelSelector): Promise<ModelRecord> {
    return this.database.read(async (s) => {
      let row: ModelRow | undefined;
      if (sel.alias) {
        row = await s.get<ModelRow>(
          'SELECT m.* FROM aliases a JOIN models m ON m.name = a.model_name AND m.version = a.version WHERE a.model_name = ? AND a.alias = ?',
          [sel.name, sel.alias],
        );
        if (!row) throw new NotFoundError(`model "${sel.name}" has no alias "${sel.alias}"`);
      } else if (sel.version) {
        if (sel.version <= MAX_VERSION)
          row = await s.get<ModelRow>('SELECT * FROM models WHERE name = ? AND version = ?', [
            sel.name,
            sel.version,
          ]);
        if (!row) throw new NotFoundError(`model "${sel.name}" version ${sel.version} not found`);
      } else {
        row = await s.get<ModelRow>(
          `SELECT * FROM models m WHERE name = ? AND NOT EXISTS (
             SELECT 1 FROM model_retirements r WHERE r.model_name = m.name AND r.model_version = m.version)
           ORDER BY version DESC LIMIT 1`,
          [sel.name],
        );
        if (!row && (await s.get('SELECT 1 FROM models WHERE name = ?', [sel.name])))
          throw new PreconditionError(
            `every version of model "${sel.name}" is retired; name a version by its number to use it anyway`,
          );
        if (!row) throw new NotFoundError(`model "${sel.name}" not found`);
      }
      return toModel(s, row);
    });
  }

  async listModels(name: string | undefined, q: PageQuery): Promise<Page<ModelRecord>> {
    const models = await this.database.read(async (s) =>
      toModels(s, await versionPage<ModelRow>(s, 'models', name, q)),
    );
    return page(models, q);
  }

  setAlias(name: string, alias: string, version: number, actor: string): Promise<number> {
    return this.database.write([modelLock(name)], async (s) => {
      if (
        version > MAX_VERSION ||
        !(await s.get('SELECT 1 FROM models WHERE name = ? AND version = ?', [name, version]))
      )
        throw new NotFoundError(`model "${name}" version ${version} not found`);
      if (await retirementOf(s, name, version))
        throw new PreconditionError(
          `model "${name}" version ${version} is retired; an alias cannot point at it`,
        );
      const prev =
        (
          await s.get<{ version: number }>('SELECT version FROM aliases WHERE model_name = ? AND alias = ?', [
            name,
            alias,
          ])
        )?.version ?? 0;
      const t = now();
      await s.run(
        `INSERT INTO aliases (model_name, alias, version, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
        [name, alias, version, t],
      );
      await s.run(
        'INSERT INTO alias_history (model_name, alias, previous_version, new_version, changed_at, actor) VALUES (?, ?, ?, ?, ?, ?)',
        [name, alias, prev, version, t, actor],
      );
      return prev;
    });
  }

  deleteAlias(name: string, alias: string, actor: string): Promise<number> {
    return this.database.write([modelLock(name)], async (s) => {
      const prev = await s.get<{ version: number }>(
        'SELECT version FROM aliases WHERE model_name = ? AND alias = ?',
        [name, alias],
      );
      if (!prev) throw new NotFoundError(`model "${name}" has no alias "${alias}"`);
      await s.run('DELETE FROM aliases WHERE model_name = ? AND alias = ?', [name, alias]);
      await s.run(
        'INSERT INTO alias_history (model_name, alias, previous_version, new_version, changed_at, actor) VALUES (?, ?, ?, 0, ?, ?)',
        [name, alias, prev.version, now(), actor],
      );
      return prev.version;
    });
  }

  retireModel(
    name: string,
    version: number,
    reason: string,
    actor: string,
  ): Promise<{ model: ModelRecord; alreadyRetired: boolean }> {
    return this.database.write([modelLock(name)], async (s) => {
      const row =
        version > MAX_VERSION
          ? undefined
          : await s.get<ModelRow>('SELECT * FROM models WHERE name = ? AND version = ?', [name, version]);
      if (!row) throw new NotFoundError(`model "${name}" version ${version} not found`);
      if (await retirementOf(s, name, version)) return { model: await toModel(s, row), alreadyRetired: true };
      const aliases = (
        await s.all<{ alias: string }>(
          'SELECT alias FROM aliases WHERE model_name = ? AND version = ? ORDER BY alias',
          [name, version],
        )
      ).map((a) => `"${a.alias}"`);
      if (aliases.length > 0)
        throw new PreconditionError(
          `model "${name}" version ${version} is the target of alias ${aliases.join(', ')}; move or remove the alias first`,
        );
      await s.run(
        'INSERT INTO model_retirements (model_name, model_version, reason, retired_at, retired_by) VALUES (?, ?, ?, ?, ?)',
        [name, version, reason, now(), actor],
      );
      return { model: await toModel(s, row), alreadyRetired: false };
    });
  }

  unreferencedDigests(digests: readonly string[]): Promise<string[]> {
    return this.database.read(async (s) => {
      const unused = new Set<string>();
      for (let i = 0; i < digests.length; i += 500) {
        const part = digests.slice(i, i + 500);
        const rows = await s.all<{ d: string }>(
          `SELECT v.column1 AS d FROM (VALUES ${part.map(() => '(CAST(? AS TEXT))').join(', ')}) AS v
           WHERE NOT EXISTS (SELECT 1 FROM dataset_files WHERE digest = v.column1)
             AND NOT EXISTS (SELECT 1 FROM model_artifacts WHERE digest = v.column1)
             AND NOT EXISTS (SELECT 1 FROM genotypes WHERE alpha_history_digest = v.column1)`,
          part,
        );
        for (const r of rows) unused.add(r.d);
      }
      return digests.filter((d) => unused.has(d));
    });
  }

  async auditRecords(name: string | undefined, q: PageQuery): Promise<Page<AuditRecord>> {
    // Ties in time: retirements after alias moves, each kind in the order it was recorded.
    const rows = await this.database.read((s) =>
      s.all<AuditRecord & { kind: number; seq: number }>(
        `SELECT * FROM (
           SELECT changed_at AS at, actor, CASE new_version WHEN 0 THEN 'delete_alias' ELSE 'set_alias' END AS action,
                  model_name AS model, new_version AS version, alias, previous_version AS "previousVersion",
                  '' AS reason, 0 AS kind, id AS seq FROM alias_history
           UNION ALL
           SELECT retired_at, retired_by, 'retire_model', model_name, model_version, '', 0, reason, 1,
                  ${this.database.dialect.insertionOrder} FROM model_retirements) AS trail
         WHERE CAST(? AS TEXT) IS NULL OR model = ?
         ORDER BY at DESC, kind DESC, seq DESC LIMIT ? OFFSET ?`,
        [name ?? null, name ?? null, q.limit + 1, q.offset],
      ),
    );
    return page(
      rows.map(({ kind: _kind, seq: _seq, ...r }) => r),
      q,
    );
  }
}

async function nextVersion(s: SqlSession, table: 'genotypes' | 'models', name: string): Promise<number> {
  return (await s.get<{ v: number }>(
    `SELECT COALESCE(MAX(version), 0) + 1 AS v FROM ${table} WHERE name = ?`,
    [name],
  ))!.v;
}

/**
 * One page (plus one row, to tell whether more follow) of a versioned table: every name
 * with its newest versions first, or only the versions of `name`.
 */
function versionPage<T>(
  s: SqlSession,
  table: 'genotypes' | 'models',
  name: string | undefined,
  q: PageQuery,
): Promise<T[]> {
  return name === undefined
    ? s.all<T>(`SELECT * FROM ${table} ORDER BY name, version DESC LIMIT ? OFFSET ?`, [q.limit + 1, q.offset])
    : s.all<T>(`SELECT * FROM ${table} WHERE name = ? ORDER BY version DESC LIMIT ? OFFSET ?`, [
        name,
        q.limit + 1,
        q.offset,
      ]);
}

function retirementOf(
  s: SqlSession,
  name: string,
  version: number,
): Promise<{ reason: string; retired_at: string } | undefined> {
  return s.get(
    'SELECT reason, retired_at FROM model_retirements WHERE model_name = ? AND model_version = ?',
    [name, version],
  );
}

async function toModel(s: SqlSession, row: ModelRow): Promise<ModelRecord> {
  return (await toModels(s, [row]))[0]!;
}

/** Records of model rows with their artifacts, aliases and retirements: three queries for any number. */
async function toModels(s: SqlSession, rows: readonly ModelRow[]): Promise<ModelRecord[]> {
  if (rows.length === 0) return [];
  const keys = rows.flatMap((r) => [r.name, r.version]);
  const of = (columns: string): string =>
    `(${columns}) IN (VALUES ${rows.map(() => '(CAST(? AS TEXT), CAST(? AS INTEGER))').join(', ')})`;
  const byVersion = <T extends { model_name: string; model_version: number }>(list: T[]) => {
    const m = new Map<string, T[]>();
    for (const x of list) {
      const k = `${x.model_version}:${x.model_name}`;
      m.set(k, [...(m.get(k) ?? []), x]);
    }
    return (r: ModelRow): T[] => m.get(`${r.version}:${r.name}`) ?? [];
  };
  const artifacts = byVersion(
    await s.all<{
      model_name: string;
      model_version: number;
      name: string;
      digest: string;
      sizeBytes: number;
    }>(
      `SELECT model_name, model_version, artifact_name AS name, digest, size_bytes AS "sizeBytes" FROM model_artifacts
       WHERE ${of('model_name, model_version')} ORDER BY artifact_name`,
      keys,
    ),
  );
  const aliases = byVersion(
    await s.all<{ model_name: string; model_version: number; alias: string }>(
      `SELECT model_name, version AS model_version, alias FROM aliases WHERE ${of('model_name, version')} ORDER BY alias`,
      keys,
    ),
  );
  const retirements = byVersion(
    await s.all<{ model_name: string; model_version: number; reason: string; retired_at: string }>(
      `SELECT model_name, model_version, reason, retired_at FROM model_retirements
       WHERE ${of('model_name, model_version')}`,
      keys,
    ),
  );
  return rows.map((row) => {
    const retirement = retirements(row)[0];
    return {
      name: row.name,
      version: row.version,
      architecture: row.architecture,
      ...(row.genotype_name !== null && row.genotype_version !== null
        ? { genotype: { name: row.genotype_name, version: row.genotype_version } }
        : {}),
      configJson: row.config_json,
      metricsJson: row.metrics_json,
      lineage: { trainingJobId: row.training_job_id, datasetDigest: row.dataset_digest },
      classNames: JSON.parse(row.class_names) as string[],
      artifacts: artifacts(row).map((a) => ({ name: a.name, digest: a.digest, sizeBytes: a.sizeBytes })),
      aliases: aliases(row).map((a) => a.alias),
      createdAt: row.created_at,
      ...(retirement ? { retirement: { retiredAt: retirement.retired_at, reason: retirement.reason } } : {}),
    };
  });
}

function toDataset(row: DatasetRow): DatasetRecord {
  return {
    name: row.name,
    digest: row.digest,
    layout: row.layout as DatasetLayout,
    classNames: JSON.parse(row.class_names) as string[],
    caseCount: row.case_count,
    uri: row.uri,
    sizeBytes: row.size_bytes,
    fileCount: row.file_count,
    description: row.description,
    createdAt: row.created_at,
  };
}

function toGenotype(row: GenotypeRow): GenotypeRecord {
  return {
    name: row.name,
    version: row.version,
    genotypeJson: row.genotype_json,
    lineage: { datasetDigest: row.dataset_digest, searchJobId: row.search_job_id },
    alphaHistoryDigest: row.alpha_history_digest,
    createdAt: row.created_at,
  };
}
