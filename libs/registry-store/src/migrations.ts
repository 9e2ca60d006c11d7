/**
 * Numbered schema migrations of the registry database, one list for SQLite and PostgreSQL:
 * each migration is written once and rendered for the engine by its {@link Dialect}. Each
 * is applied once, in its own transaction together with its row in `schema_migrations`;
 * never edit an applied one, append a new one.
 */
import type { Dialect, SqlDatabase } from './sql-database.js';

/** One schema change. */
export interface Migration {
  /** 1, 2, 3 ... in order. */
  version: number;
  /** Short description stored in the migrations table. */
  name: string;
  /** SQL statements run in the migration's transaction, spelt for `d`. */
  sql(d: Dialect): string;
}

/** All migrations, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'datasets, genotypes, models, aliases',
    sql: (d) => `
      CREATE TABLE datasets (
        name TEXT PRIMARY KEY, digest TEXT NOT NULL, layout TEXT NOT NULL, class_names TEXT NOT NULL,
        case_count ${d.bigint} NOT NULL, uri TEXT NOT NULL, size_bytes ${d.bigint} NOT NULL,
        file_count ${d.bigint} NOT NULL, description TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE dataset_files (
        dataset TEXT NOT NULL REFERENCES datasets(name), relative_path TEXT NOT NULL,
        size_bytes ${d.bigint} NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (dataset, relative_path));
      CREATE TABLE genotypes (
        name TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), genotype_json TEXT NOT NULL,
        dataset_digest TEXT NOT NULL, search_job_id TEXT NOT NULL, alpha_history_digest TEXT NOT NULL,
        created_at TEXT NOT NULL, PRIMARY KEY (name, version));
      CREATE TABLE models (
        name TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), architecture TEXT NOT NULL,
        genotype_name TEXT, genotype_version INTEGER, config_json TEXT NOT NULL, metrics_json TEXT NOT NULL,
        class_names TEXT NOT NULL, training_job_id TEXT NOT NULL, dataset_digest TEXT NOT NULL,
        created_at TEXT NOT NULL, PRIMARY KEY (name, version),
        FOREIGN KEY (genotype_name, genotype_version) REFERENCES genotypes(name, version));
      CREATE TABLE model_artifacts (
        model_name TEXT NOT NULL, model_version INTEGER NOT NULL, artifact_name TEXT NOT NULL,
        digest TEXT NOT NULL, size_bytes ${d.bigint} NOT NULL,
        PRIMARY KEY (model_name, model_version, artifact_name),
        FOREIGN KEY (model_name, model_version) REFERENCES models(name, version));
      CREATE TABLE aliases (
        model_name TEXT NOT NULL, alias TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (model_name, alias), FOREIGN KEY (model_name, version) REFERENCES models(name, version));
      CREATE TABLE alias_history (
        id ${d.serialKey}, model_name TEXT NOT NULL, alias TEXT NOT NULL,
        previous_version INTEGER NOT NULL, new_version INTEGER NOT NULL, changed_at TEXT NOT NULL);
      ${d.immutable('datasets')}
      ${d.immutable('dataset_files')}
      ${d.immutable('genotypes')}
      ${d.immutable('models')}
      ${d.immutable('model_artifacts')}
    `,
  },
  {
    version: 2,
    name: 'model retirements',
    // Model rows stay immutable: a retirement is a row of its own, itself permanent.
    sql: (d) => `
      CREATE TABLE model_retirements (
        model_name TEXT NOT NULL, model_version INTEGER NOT NULL, reason TEXT NOT NULL,
        retired_at TEXT NOT NULL${d.insertionOrderColumn}, PRIMARY KEY (model_name, model_version),
        FOREIGN KEY (model_name, model_version) REFERENCES models(name, version));
      ${d.immutable('model_retirements')}
    `,
  },
  {
    version: 3,
    name: 'blob references and job results by index',
    // Blob garbage collection asks whether any record names a digest; idempotent result
    // registration looks a version up by the job that produced it.
    sql: () => `
      CREATE INDEX dataset_files_digest ON dataset_files(digest);
      CREATE INDEX model_artifacts_digest ON model_artifacts(digest);
      CREATE INDEX genotypes_alpha_history ON genotypes(alpha_history_digest);
      CREATE INDEX genotypes_search_job ON genotypes(name, search_job_id);
      CREATE INDEX models_training_job ON models(name, training_job_id);
    `,
  },
  {
    version: 4,
    name: 'audit: who moved an alias or retired a version',
    // Alias moves and retirements are the audit trail: each names its caller, and neither
    // kind of row may change or go. Rows from before name nobody ('').
    sql: (d) => `
      ALTER TABLE alias_history ADD COLUMN actor TEXT NOT NULL DEFAULT '';
      ALTER TABLE model_retirements ADD COLUMN retired_by TEXT NOT NULL DEFAULT '';
      ${d.immutable('alias_history')}
      ${d.kept('alias_history')}
      ${d.kept('model_retirements')}
    `,
  },
];

const CURRENT = 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations';

/** The schema version a database has reached. */
export async function schemaVersion(db: SqlDatabase): Promise<number> {
  return db.read(async (s) => (await s.get<{ v: number }>(CURRENT))!.v);
}

/**
 * Applies every migration newer than the database's, each in a transaction that also
 * records it; registry processes starting together take turns. Idempotent: a second call
 * changes nothing. Returns the schema version afterwards.
 */
export async function migrate(
  db: SqlDatabase,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    await db.write(['schema'], async (s) => {
      await s.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      if (m.version <= (await s.get<{ v: number }>(CURRENT))!.v) return;
      await s.exec(m.sql(db.dialect));
      await s.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
    });
  }
  return schemaVersion(db);
}
