/**
 * `RegistryStore` on SQLite (better-sqlite3): WAL journal, foreign keys on, schema
 * migrated on open, versions assigned inside write transactions.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AlreadyExistsError, NotFoundError, PreconditionError } from '../../core/src/index.js';
import { migrate } from './migrations.js';
import { manifestDigest } from './manifest.js';
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

function page<T>(rows: T[], q: PageQuery): Page<T> {
  // Rows were fetched with limit + 1 to know whether another page exists.
  return rows.length > q.limit
    ? { items: rows.slice(0, q.limit), nextOffset: q.offset + q.limit }
    : { items: rows };
}

/** SQLite implementation of {@link RegistryStore}. Open with {@link SqliteRegistryStore.open}. */
export class SqliteRegistryStore implements RegistryStore {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating if needed) the database file and applies pending migrations. ":memory:" works too. */
  static async open(file: string): Promise<SqliteRegistryStore> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteRegistryStore(db);
  }

  async schemaVersion(): Promise<number> {
    return (
      this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }
    ).v;
  }

  async close(): Promise<void> {
    this.db.close();
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
    this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(input.name))
          throw new AlreadyExistsError(
            `dataset "${input.name}" already exists; datasets are immutable, choose another name`,
          );
        this.db
          .prepare(
            `INSERT INTO datasets (name, digest, layout, class_names, case_count, uri, size_bytes, file_count, description, created_at)
             VALUES (@name, @digest, @layout, @class_names, @case_count, @uri, @size_bytes, @file_count, @description, @created_at)`,
          )
          .run(row);
        const ins = this.db.prepare(
          'INSERT INTO dataset_files (dataset, relative_path, size_bytes, digest) VALUES (?, ?, ?, ?)',
        );
        for (const f of files) ins.run(input.name, f.relativePath, f.sizeBytes, f.digest);
      })
      .immediate();
    return toDataset(row);
  }

  async getDataset(name: string): Promise<DatasetRecord> {
    const row = this.db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined;
    if (!row) throw new NotFoundError(`dataset "${name}" not found`);
    return toDataset(row);
  }

  async getDatasetFiles(name: string): Promise<DatasetFileRecord[]> {
    await this.getDataset(name);
    const rows = this.db
      .prepare(
        'SELECT relative_path, size_bytes, digest FROM dataset_files WHERE dataset = ? ORDER BY relative_path',
      )
      .all(name) as Array<{
      relative_path: string;
      size_bytes: number;
      digest: string;
    }>;
    return rows.map((r) => ({ relativePath: r.relative_path, sizeBytes: r.size_bytes, digest: r.digest }));
  }

  async listDatasets(q: PageQuery): Promise<Page<DatasetRecord>> {
    const rows = this.db
      .prepare('SELECT * FROM datasets ORDER BY name LIMIT ? OFFSET ?')
      .all(q.limit + 1, q.offset) as DatasetRow[];
    return page(rows.map(toDataset), q);
  }

  // ---- genotypes ----

  async createGenotype(input: NewGenotype): Promise<GenotypeRecord> {
    return this.db
      .transaction((): GenotypeRecord => {
        if (input.lineage.searchJobId !== '') {
          const earlier = this.db
            .prepare('SELECT * FROM genotypes WHERE name = ? AND search_job_id = ? ORDER BY version LIMIT 1')
            .get(input.name, input.lineage.searchJobId) as GenotypeRow | undefined;
          if (earlier) return toGenotype(earlier);
        }
        const next = (
          this.db
            .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM genotypes WHERE name = ?')
            .get(input.name) as { v: number }
        ).v;
        const row: GenotypeRow = {
          name: input.name,
          version: next,
          genotype_json: input.genotypeJson,
          dataset_digest: input.lineage.datasetDigest,
          search_job_id: input.lineage.searchJobId,
          alpha_history_digest: input.alphaHistoryDigest,
          created_at: now(),
        };
        this.db
          .prepare(
            `INSERT INTO genotypes (name, version, genotype_json, dataset_digest, search_job_id, alpha_history_digest, created_at)
             VALUES (@name, @version, @genotype_json, @dataset_digest, @search_job_id, @alpha_history_digest, @created_at)`,
          )
          .run(row);
        return toGenotype(row);
      })
      .immediate();
  }

  async getGenotype(name: string, version?: number): Promise<GenotypeRecord> {
    const row = (
      version
        ? this.db.prepare('SELECT * FROM genotypes WHERE name = ? AND version = ?').get(name, version)
        : this.db.prepare('SELECT * FROM genotypes WHERE name = ? ORDER BY version DESC LIMIT 1').get(name)
    ) as GenotypeRow | undefined;
    if (!row)
      throw new NotFoundError(
        version ? `genotype "${name}" version ${version} not found` : `genotype "${name}" not found`,
      );
    return toGenotype(row);
  }

  async listGenotypes(name: string | undefined, q: PageQuery): Promise<Page<GenotypeRecord>> {
    const rows = this.versionPage('genotypes', name, q) as GenotypeRow[];
    return page(rows.map(toGenotype), q);
  }

  // ---- models ----

  async createModel(input: NewModel): Promise<ModelRecord> {
    const version = this.db
      .transaction((): number => {
        if (
          input.genotype &&
          !this.db
            .prepare('SELECT 1 FROM genotypes WHERE name = ? AND version = ?')
            .get(input.genotype.name, input.genotype.version)
        ) {
          throw new NotFoundError(
            `genotype "${input.genotype.name}" version ${input.genotype.version} not found`,
          );
        }
        if (input.lineage.trainingJobId !== '') {
          const earlier = this.db
            .prepare(
              'SELECT version FROM models WHERE name = ? AND training_job_id = ? ORDER BY version LIMIT 1',
            )
            .get(input.name, input.lineage.trainingJobId) as { version: number } | undefined;
          if (earlier) return earlier.version;
        }
        const next = (
          this.db
            .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM models WHERE name = ?')
            .get(input.name) as { v: number }
        ).v;
        const row: ModelRow = {
          name: input.name,
          version: next,
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
        this.db
          .prepare(
            `INSERT INTO models (name, version, architecture, genotype_name, genotype_version, config_json, metrics_json, class_names, training_job_id, dataset_digest, created_at)
             VALUES (@name, @version, @architecture, @genotype_name, @genotype_version, @config_json, @metrics_json, @class_names, @training_job_id, @dataset_digest, @created_at)`,
          )
          .run(row);
        const ins = this.db.prepare(
          'INSERT INTO model_artifacts (model_name, model_version, artifact_name, digest, size_bytes) VALUES (?, ?, ?, ?, ?)',
        );
        for (const a of input.artifacts) ins.run(input.name, next, a.name, a.digest, a.sizeBytes);
        return next;
      })
      .immediate();
    return this.getModel({ name: input.name, version });
  }

  async getModel(sel: ModelSelector): Promise<ModelRecord> {
    let row: ModelRow | undefined;
    if (sel.alias) {
      row = this.db
        .prepare(
          'SELECT m.* FROM aliases a JOIN models m ON m.name = a.model_name AND m.version = a.version WHERE a.model_name = ? AND a.alias = ?',
        )
        .get(sel.name, sel.alias) as ModelRow | undefined;
      if (!row) throw new NotFoundError(`model "${sel.name}" has no alias "${sel.alias}"`);
    } else if (sel.version) {
      row = this.db
        .prepare('SELECT * FROM models WHERE name = ? AND version = ?')
        .get(sel.name, sel.version) as ModelRow | undefined;
      if (!row) throw new NotFoundError(`model "${sel.name}" version ${sel.version} not found`);
    } else {
      row = this.db
        .prepare(
          `SELECT * FROM models m WHERE name = ? AND NOT EXISTS (
             SELECT 1 FROM model_retirements r WHERE r.model_name = m.name AND r.model_version = m.version)
           ORDER BY version DESC LIMIT 1`,
        )
        .get(sel.name) as ModelRow | undefined;
      if (!row && this.db.prepare('SELECT 1 FROM models WHERE name = ?').get(sel.name))
        throw new PreconditionError(
          `every version of model "${sel.name}" is retired; name a version by its number to use it anyway`,
        );
      if (!row) throw new NotFoundError(`model "${sel.name}" not found`);
    }
    return this.toModel(row);
  }

  async listModels(name: string | undefined, q: PageQuery): Promise<Page<ModelRecord>> {
    const rows = this.versionPage('models', name, q) as ModelRow[];
    return page(
      rows.map((r) => this.toModel(r)),
      q,
    );
  }

  async setAlias(name: string, alias: string, version: number, actor: string): Promise<number> {
    return this.db
      .transaction((): number => {
        if (!this.db.prepare('SELECT 1 FROM models WHERE name = ? AND version = ?').get(name, version))
          throw new NotFoundError(`model "${name}" version ${version} not found`);
        if (this.retirementOf(name, version))
          throw new PreconditionError(
            `model "${name}" version ${version} is retired; an alias cannot point at it`,
          );
        const prev = this.db
          .prepare('SELECT version FROM aliases WHERE model_name = ? AND alias = ?')
          .get(name, alias) as { version: number } | undefined;
        const t = now();
        this.db
          .prepare(
            `INSERT INTO aliases (model_name, alias, version, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
          )
          .run(name, alias, version, t);
        this.db
          .prepare(
            'INSERT INTO alias_history (model_name, alias, previous_version, new_version, changed_at, actor) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(name, alias, prev?.version ?? 0, version, t, actor);
        return prev?.version ?? 0;
      })
      .immediate();
  }

  async deleteAlias(name: string, alias: string, actor: string): Promise<number> {
    return this.db
      .transaction((): number => {
        const prev = this.db
          .prepare('SELECT version FROM aliases WHERE model_name = ? AND alias = ?')
          .get(name, alias) as { version: number } | undefined;
        if (!prev) throw new NotFoundError(`model "${name}" has no alias "${alias}"`);
        this.db.prepare('DELETE FROM aliases WHERE model_name = ? AND alias = ?').run(name, alias);
        this.db
          .prepare(
            'INSERT INTO alias_history (model_name, alias, previous_version, new_version, changed_at, actor) VALUES (?, ?, ?, 0, ?, ?)',
          )
          .run(name, alias, prev.version, now(), actor);
        return prev.version;
      })
      .immediate();
  }

  async retireModel(
    name: string,
    version: number,
    reason: string,
    actor: string,
  ): Promise<{ model: ModelRecord; alreadyRetired: boolean }> {
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare('SELECT * FROM models WHERE name = ? AND version = ?')
          .get(name, version) as ModelRow | undefined;
        if (!row) throw new NotFoundError(`model "${name}" version ${version} not found`);
        if (this.retirementOf(name, version)) return { model: this.toModel(row), alreadyRetired: true };
        const aliases = (
          this.db
            .prepare('SELECT alias FROM aliases WHERE model_name = ? AND version = ? ORDER BY alias')
            .all(name, version) as Array<{ alias: string }>
        ).map((a) => `"${a.alias}"`);
        if (aliases.length > 0)
          throw new PreconditionError(
            `model "${name}" version ${version} is the target of alias ${aliases.join(', ')}; move or remove the alias first`,
          );
        this.db
          .prepare(
            'INSERT INTO model_retirements (model_name, model_version, reason, retired_at, retired_by) VALUES (?, ?, ?, ?, ?)',
          )
          .run(name, version, reason, now(), actor);
        return { model: this.toModel(row), alreadyRetired: false };
      })
      .immediate();
  }

  async unreferencedDigests(digests: readonly string[]): Promise<string[]> {
    const used = this.db.prepare(
      `SELECT EXISTS (SELECT 1 FROM dataset_files WHERE digest = @d)
           OR EXISTS (SELECT 1 FROM model_artifacts WHERE digest = @d)
           OR EXISTS (SELECT 1 FROM genotypes WHERE alpha_history_digest = @d) AS used`,
    );
    return this.db.transaction(() =>
      digests.filter((d) => (used.get({ d }) as { used: number }).used === 0),
    )();
  }

  async auditRecords(name: string | undefined, q: PageQuery): Promise<Page<AuditRecord>> {
    // Ties in time: retirements after alias moves, each kind in the order it was recorded.
    const rows = this.db
      .prepare(
        `SELECT * FROM (
           SELECT changed_at AS at, actor, CASE new_version WHEN 0 THEN 'delete_alias' ELSE 'set_alias' END AS action,
                  model_name AS model, new_version AS version, alias, previous_version AS previousVersion,
                  '' AS reason, 0 AS kind, id AS seq FROM alias_history
           UNION ALL
           SELECT retired_at, retired_by, 'retire_model', model_name, model_version, '', 0, reason, 1, rowid
             FROM model_retirements)
         WHERE @name IS NULL OR model = @name
         ORDER BY at DESC, kind DESC, seq DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ name: name ?? null, limit: q.limit + 1, offset: q.offset }) as Array<
      AuditRecord & { kind: number; seq: number }
    >;
    return page(
      rows.map(({ kind: _kind, seq: _seq, ...r }) => r),
      q,
    );
  }

  /**
   * One page (plus one row, to tell whether more follow) of a versioned table: every name
   * with its newest versions first, or only the versions of `name`.
   */
  private versionPage(table: 'genotypes' | 'models', name: string | undefined, q: PageQuery): unknown[] {
    return name === undefined
      ? this.db
          .prepare(`SELECT * FROM ${table} ORDER BY name, version DESC LIMIT ? OFFSET ?`)
          .all(q.limit + 1, q.offset)
      : this.db
          .prepare(`SELECT * FROM ${table} WHERE name = ? ORDER BY version DESC LIMIT ? OFFSET ?`)
          .all(name, q.limit + 1, q.offset);
  }

  private retirementOf(name: string, version: number): { reason: string; retired_at: string } | undefined {
    return this.db
      .prepare('SELECT reason, retired_at FROM model_retirements WHERE model_name = ? AND model_version = ?')
      .get(name, version) as { reason: string; retired_at: string } | undefined;
  }

  private toModel(row: ModelRow): ModelRecord {
    const artifacts = this.db
      .prepare(
        'SELECT artifact_name AS name, digest, size_bytes AS sizeBytes FROM model_artifacts WHERE model_name = ? AND model_version = ? ORDER BY artifact_name',
      )
      .all(row.name, row.version) as ModelRecord['artifacts'];
    const aliases = (
      this.db
        .prepare('SELECT alias FROM aliases WHERE model_name = ? AND version = ? ORDER BY alias')
        .all(row.name, row.version) as Array<{ alias: string }>
    ).map((a) => a.alias);
    const retirement = this.retirementOf(row.name, row.version);
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
      artifacts,
      aliases,
      createdAt: row.created_at,
      ...(retirement ? { retirement: { retiredAt: retirement.retired_at, reason: retirement.reason } } : {}),
    };
  }
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
