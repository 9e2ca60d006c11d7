/** The registry store suite on SQLite files. */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase } from './sqlite-database.js';
import { registryStoreContract } from './store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'reg-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

registryStoreContract(
  'sqlite',
  () => ({
    createDatabase: async () => join(dir, `r${++files}.db`),
    openDatabase: async (file) => SqliteDatabase.open(file),
  }),
  { replicas: false },
);
