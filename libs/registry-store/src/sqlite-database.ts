/**
 * {@link SqlDatabase} on one SQLite file (better-sqlite3): WAL journal, foreign keys on.
 * better-sqlite3 answers synchronously; units of work are queued one after the other on the
 * single connection, so one never sees another's uncommitted rows. One process owns the file.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Dialect, SqlDatabase, SqlSession, SqlValue } from './sql-database.js';

/** SQLite spelling of the schema: triggers that abort, rowid as insertion order. */
export const SQLITE_DIALECT: Dialect = {
  name: 'sqlite',
  bigint: 'INTEGER',
  serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  insertionOrderColumn: '',
  insertionOrder: 'rowid',
  immutable: (table) =>
    `CREATE TRIGGER ${table}_immutable BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} rows are immutable'); END;`,
  kept: (table) =>
    `CREATE TRIGGER ${table}_kept BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} rows are kept'); END;`,
};

/** The SQLite implementation of {@link SqlDatabase}. */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = SQLITE_DIALECT;
  readonly shared = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly session: SqlSession = {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => this.prepare(sql).all(...params) as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      this.prepare(sql).get(...params) as T | undefined,
    run: async (sql, params = []) => {
      this.prepare(sql).run(...params);
    },
    exec: async (sql) => {
      this.db.exec(sql);
    },
  };

  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating if needed) the database file; ":memory:" works too. Not migrated. */
  static open(file: string): SqliteDatabase {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return new SqliteDatabase(db);
  }

  read<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return this.serially(() => fn(this.session));
  }

  write<T>(_locks: readonly string[], fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return this.serially(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.session);
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  /** The file has one owning process: nothing to exclude beyond its own callers. */
  exclusive<T>(_lock: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }

  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
