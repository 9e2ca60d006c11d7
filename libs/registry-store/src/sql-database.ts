/**
 * The small SQL surface the registry store is written against, so that one store and one
 * migration list serve SQLite (embedded) and PostgreSQL (several registry replicas on one
 * database). Statements use `?` placeholders, bound in order; each driver renders them.
 */

/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

/** Statements of one unit of work (a read snapshot or a write transaction). */
export interface SqlSession {
  /** Every row of a query. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement whose rows are not needed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Several statements without parameters (a migration). */
  exec(sql: string): Promise<void>;
}

/** How the schema is spelt for one engine (see migrations.ts). */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column type of a 64-bit integer (sizes, counts). */
  readonly bigint: string;
  /** Definition of an auto-numbered integer primary key column. */
  readonly serialKey: string;
  /**
   * Column definition (with its leading comma) that numbers a table's rows in insertion
   * order, or '' where the engine numbers them itself (SQLite's rowid).
   */
  readonly insertionOrderColumn: string;
  /** Expression of that number in a query. */
  readonly insertionOrder: string;
  /** Statements making the rows of `table` impossible to update. */
  immutable(table: string): string;
  /** Statements making the rows of `table` impossible to delete. */
  kept(table: string): string;
}

/** A connection (SQLite) or pool (PostgreSQL) of the registry's database. */
export interface SqlDatabase {
  readonly dialect: Dialect;
  /**
   * Whether other registry processes may use this database, and so the same artifact
   * root, at the same time (PostgreSQL: yes; an SQLite file has one owner).
   */
  readonly shared: boolean;
  /** Runs `fn` on one consistent snapshot; it must only read. */
  read<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a write transaction, committed when it resolves and rolled back when it
   * throws. `locks` name what it changes (e.g. "model:unet-a"): writers naming the same
   * lock, in this or any other process, run one after the other.
   */
  write<T>(locks: readonly string[], fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` (which may use this database) while no other process runs `exclusive` with
   * the same `lock`. Callers within one process must serialize themselves.
   */
  exclusive<T>(lock: string, fn: () => Promise<T>): Promise<T>;
  /** Releases the connection(s). */
  close(): Promise<void>;
}
