/**
 * {@link SqlDatabase} on PostgreSQL (`pg` pool), for registry replicas sharing one
 * database. Writers that name the same lock take turns through transaction-scoped advisory
 * locks, in every process; reads run on a repeatable-read snapshot. 64-bit integers come
 * back as numbers (sizes stay far below 2^53).
 */
import pg from 'pg';
import { BackendError } from '../../core/src/index.js';
import type { Dialect, SqlDatabase, SqlSession, SqlValue } from './sql-database.js';

/** First key of every advisory lock the registry takes ("nasu"), apart from other users'. */
const LOCK_SPACE = 0x6e617375;

/** PostgreSQL spelling of the schema: trigger functions that raise, an identity column as insertion order. */
export const POSTGRES_DIALECT: Dialect = {
  name: 'postgres',
  bigint: 'BIGINT',
  serialKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  insertionOrderColumn: ', seq BIGINT GENERATED ALWAYS AS IDENTITY',
  insertionOrder: 'seq',
  immutable: (table) => refusal(table, 'UPDATE', 'immutable'),
  // TRUNCATE skips row triggers; it is refused as well.
  kept: (table) =>
    `${refusal(table, 'DELETE', 'kept')}
     CREATE TRIGGER ${table}_kept_truncate BEFORE TRUNCATE ON ${table}
       FOR EACH STATEMENT EXECUTE FUNCTION nasunet_refuse('${table} rows are kept');`,
};

function refusal(table: string, event: 'UPDATE' | 'DELETE', what: 'immutable' | 'kept'): string {
  return `CREATE OR REPLACE FUNCTION nasunet_refuse() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
     CREATE TRIGGER ${table}_${what} BEFORE ${event} ON ${table}
       FOR EACH ROW EXECUTE FUNCTION nasunet_refuse('${table} rows are ${what}');`;
}

/** SQLSTATEs of a connection that failed or was closed by the server. */
const CONNECTION_LOST = /^(08|57P0|53300$)/;

/**
 * `BackendError` (UNAVAILABLE: worth retrying) for a database that cannot be reached or
 * dropped the connection, without the server's address; anything else unchanged.
 */
function unavailableOr(e: unknown, connecting: boolean): unknown {
  const code = (e as { code?: unknown }).code;
  const lost =
    connecting ||
    (typeof code === 'string' && (CONNECTION_LOST.test(code) || code.startsWith('E'))) ||
    /Connection terminated|connection timeout/i.test((e as Error).message ?? '');
  return lost ? new BackendError("the registry's database is unavailable; try again", { cause: e }) : e;
}

/** `?` placeholders as `$1, $2, ...` (the registry's SQL has no '?' inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function sessionOf(client: pg.ClientBase): SqlSession {
  const query = async <T>(sql: string, params: readonly SqlValue[]): Promise<T[]> =>
    (await client.query(numbered(sql), params as SqlValue[])).rows as T[];
  return {
    all: (sql, params = []) => query(sql, params),
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => (await query<T>(sql, params))[0],
    run: async (sql, params = []) => {
      await query(sql, params);
    },
    exec: async (sql) => {
      await client.query(sql);
    },
  };
}

/** Pool settings. */
export interface PostgresOptions {
  /** Most connections this process opens [10]. */
  maxConnections?: number;
  /** How long to wait for a connection before failing, ms [10000]. */
  connectTimeoutMs?: number;
  /** Told about errors of idle connections (the server went away); they are replaced. */
  onIdleError?: (err: Error) => void;
}

/** The PostgreSQL implementation of {@link SqlDatabase}. */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = POSTGRES_DIALECT;
  readonly shared = true;

  private constructor(private readonly pool: pg.Pool) {}

  /** A pool for `url` (postgres://user:password@host:port/database); checks that it connects. */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      types,
    });
    pool.on('error', (err) => options.onIdleError?.(err));
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PostgresDatabase(pool);
  }

  read<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', [], fn);
  }

  write<T>(locks: readonly string[], fn: (s: SqlSession) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', locks, fn);
  }

  exclusive<T>(lock: string, fn: () => Promise<T>): Promise<T> {
    // A session lock on a connection of its own, held while `fn` uses the pool; the server
    // drops it with the connection if this process dies.
    return this.withClient(async (client, drop) => {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_SPACE, lock]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, lock]).catch(drop);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private transaction<T>(
    begin: string,
    locks: readonly string[],
    fn: (s: SqlSession) => Promise<T>,
  ): Promise<T> {
    return this.withClient(async (client, drop) => {
      try {
        await client.query(begin);
        // Always in the same order, so that two writers never wait for each other in a cycle.
        for (const lock of [...new Set(locks)].sort())
          await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, lock]);
        const result = await fn(sessionOf(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(drop);
        throw e;
      }
    });
  }

  /**
   * Runs `fn` on a pooled connection. A connection the server closed while it was checked
   * out (an error between statements, which nothing else would catch), or that `fn` gave up
   * on (`drop`), is closed instead of returned to the pool; connection failures become
   * `BackendError`.
   */
  private async withClient<T>(fn: (client: pg.PoolClient, drop: () => void) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw unavailableOr(e, true);
    }
    let broken = false;
    const drop = (): void => {
      broken = true;
    };
    client.on('error', drop);
    try {
      return await fn(client, drop);
    } catch (e) {
      throw unavailableOr(e, false);
    } finally {
      client.off('error', drop);
      client.release(broken);
    }
  }
}
