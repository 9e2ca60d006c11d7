import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../libs/core/src/index.js';
import { loadRegistryConfig } from './config.js';

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
