import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../libs/core/src/index.js';
import { describeDatabaseUrl, loadRegistryConfig } from './config.js';

test('config: defaults, alternate variable names, and errors naming the variable', () => {
  const d = loadRegistryConfig({});
  assert.deepEqual([d.NASUNET_HOST, d.NASUNET_PORT, d.NASUNET_DATA_DIR], ['127.0.0.1', 50051, './.nasunet']);
  const alt = loadRegistryConfig({
    REGISTRY_HOST: '0.0.0.0',
    REGISTRY_PORT: '6000',
    REGISTRY_MAX_MODEL_BYTES: '1000',
  });
  assert.deepEqual(
    [alt.NASUNET_HOST, alt.NASUNET_PORT, alt.REGISTRY_MAX_MODEL_BYTES],
    ['0.0.0.0', 6000, 1000],
  );
  assert.equal(loadRegistryConfig({ NASUNET_PORT: '7000', REGISTRY_PORT: '6000' }).NASUNET_PORT, 7000);
  assert.throws(
    () => loadRegistryConfig({ NASUNET_PORT: '70000' }),
    (e: unknown) => e instanceof ValidationError && /NASUNET_PORT/.test(e.message),
  );
  assert.throws(
    () => loadRegistryConfig({ REGISTRY_MAX_MODEL_BYTES: 'lots' }),
    (e: unknown) => e instanceof ValidationError && /REGISTRY_MAX_MODEL_BYTES/.test(e.message),
  );
});

test('config: the store is SQLite by default; PostgreSQL needs a valid URL, never echoed', () => {
  assert.equal(loadRegistryConfig({}).NASUNET_STORE, 'sqlite');
  const url = 'postgres://registry:s3cret-pw@db.example:6543/nasunet?sslmode=require';
  const pg = loadRegistryConfig({ NASUNET_STORE: 'postgres', NASUNET_DATABASE_URL: url });
  assert.deepEqual([pg.NASUNET_STORE, pg.NASUNET_DATABASE_URL], ['postgres', url]);
  assert.equal(describeDatabaseUrl(url), 'db.example:6543/nasunet');
  assert.equal(describeDatabaseUrl('postgresql://u:p@db/reg'), 'db:5432/reg');
  const refused = (env: NodeJS.ProcessEnv, pattern: RegExp): void =>
    assert.throws(
      () => loadRegistryConfig(env),
      (e: unknown) =>
        e instanceof ValidationError && pattern.test(e.message) && !e.message.includes('s3cret-pw'),
    );
  refused({ NASUNET_STORE: 'postgres' }, /NASUNET_DATABASE_URL: required with NASUNET_STORE=postgres/);
  refused({ NASUNET_STORE: 'mysql' }, /NASUNET_STORE/);
  refused({ NASUNET_DATABASE_URL: url }, /only read with NASUNET_STORE=postgres/);
  const badUrl = (v: string, pattern: RegExp): void =>
    refused({ NASUNET_STORE: 'postgres', NASUNET_DATABASE_URL: v }, pattern);
  badUrl('mysql://registry:s3cret-pw@db/nasunet', /must start with postgres:\/\//);
  badUrl('postgres://registry:s3cret-pw@db.example:6543', /must name the database/);
  badUrl('registry:s3cret-pw at db', /must start with postgres:\/\//);
  badUrl('s3cret-pw', /must be a URL/);
  badUrl('postgres://registry:s3cret-pw@db.example:99999/nasunet', /must be a URL/);
});
