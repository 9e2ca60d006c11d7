/**
 * A throwaway PostgreSQL server for the tests: `initdb` into a temporary folder, started
 * with `pg_ctl` on a free port of 127.0.0.1 (unix socket in the same folder), password
 * authentication over TCP, durability off (it is thrown away). As root it runs as the
 * `postgres` user that the Debian package creates (the server refuses to run as root).
 * Fails loudly when PostgreSQL is not installed (`apt-get install postgresql`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.js';

/** A running server. */
export interface PostgresServer {
  /** Connection URL of `database` for the superuser (with its password). */
  url(database: string): string;
  /** The superuser's password (to check that nothing logs it). */
  readonly password: string;
  /** Creates an empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server at once and removes its folder. */
  stop(): void;
}

/** The bin folder of the newest PostgreSQL the Debian packages installed. */
function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(`PostgreSQL is not installed (no ${base}/*/bin/initdb): apt-get install postgresql`);
  return join(base, versions[0]!, 'bin');
}

/** uid and gid to run the server as: ours, or the `postgres` user's when we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts a server; call `stop()` when done (it is also stopped when this process exits). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'nasunet-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'pw'), password);
  if (user) chownSync(dir, user.uid, user.gid);
  if (user) chownSync(join(dir, 'pw'), user.uid, user.gid);
  const run = (tool: string, args: string[]): void => {
    const r = spawnSync(join(bin, tool), args, { ...user, cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0)
      throw new Error(
        `${tool} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout || r.error?.message}`,
      );
  };
  const port = await freePort();
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], {
      ...user,
      stdio: 'ignore',
    });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', [
      '-D',
      data,
      '-U',
      'nasunet',
      `--pwfile=${join(dir, 'pw')}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    process.on('exit', stop);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      'start',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    ]);
  } catch (e) {
    stop();
    throw e;
  }
  const url = (database: string): string => `postgres://nasunet:${password}@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    url,
    password,
    stop,
    async createDatabase() {
      const name = `registry_${++databases}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
  };
}
