/**
 * The suite's NASUNET_* variables: the list in libs/core matches what the schemas read,
 * every variable the k8s manifests set is one of them, and a service or `npm start` given
 * an unknown one refuses to start, naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUITE_VARIABLES, ValidationError, isSuiteVariable } from '../../../libs/core/src/index.js';
import { LauncherConfigSchema } from '../../../libs/launcher/src/config.js';
import { InferenceConfigSchema, loadInferenceConfig } from '../../inference/src/config.js';
import { RegistryConfigSchema } from '../../registry/src/config.js';
import { SearchConfigSchema } from '../../search/src/config.js';
import { TrainingConfigSchema } from '../../training/src/config.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

/**
 * NASUNET_* keys of the schemas, the telemetry's trace file, the CLI's token (a commander
 * option's environment default) and the test harness switch.
 */
function namesRead(): Set<string> {
  const schemas = [
    LauncherConfigSchema,
    InferenceConfigSchema,
    RegistryConfigSchema,
    SearchConfigSchema,
    TrainingConfigSchema,
  ];
  const keys = schemas.flatMap((s) => Object.keys(s.shape));
  return new Set(
    [...keys, 'NASUNET_TRACE_FILE', 'NASUNET_TOKEN', 'NASUNET_TEST_VERBOSE'].filter((k) =>
      k.startsWith('NASUNET_'),
    ),
  );
}

test('the list of suite variables is exactly what the configuration schemas read', () => {
  const listed = Object.values(SUITE_VARIABLES).flat().sort();
  assert.deepEqual(listed, [...namesRead()].sort());
  assert.equal(new Set(listed).size, listed.length, 'a variable listed twice');
});

test('every NASUNET_* variable the k8s manifests set is read by some part of the suite', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) files.push(p);
    }
  };
  walk(join(root, 'k8s'));
  assert.ok(files.length >= 5, 'no manifests found');
  const set = files.flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/\b(NASUNET_[A-Z0-9_]+)/g)].map((m) => m[1]!),
  );
  assert.deepEqual(
    [...new Set(set.filter((v) => !isSuiteVariable(v)))],
    [],
    'set in k8s/ but read by nothing',
  );
});

test('an unknown NASUNET_* variable is refused, naming it; known ones and other prefixes pass', () => {
  assert.throws(
    () => loadInferenceConfig({ NASUNET_STORE: 'postgres', NASUNET_QUEUES: 'bullmq', NASUNET_PORT: '6000' }),
    (e: unknown) =>
      e instanceof ValidationError &&
      /NASUNET_QUEUES, NASUNET_STORE/.test(e.message) &&
      /no part of nasunet/.test(e.message),
  );
  const ok = loadInferenceConfig({ NASUNET_PORT: '6000', NASUNET_TRACE_FILE: '/tmp/t.jsonl', PATH: '/bin' });
  assert.equal(ok.NASUNET_PORT, 6000);
});

test('a service process and npm start given an unknown variable exit non-zero before listening', () => {
  const env = { ...process.env, NASUNET_MAX_MESSAGE_BYTES: '8388608', NASUNET_PORT: '0' };
  for (const entry of [
    'services/registry/src/main.js',
    'services/inference/src/main.js',
    'libs/launcher/src/main.js',
  ]) {
    const r = spawnSync(process.execPath, [join(root, 'dist', entry)], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.notEqual(r.status, 0, `${entry} started`);
    assert.match(r.stderr, /NASUNET_MAX_MESSAGE_BYTES/, entry);
    assert.doesNotMatch(r.stdout, /listening|ready/i, entry);
  }
});
