/**
 * What a new user meets on install: `npm ci` on this Node prints no engine warnings (every
 * locked package accepts the running Node version), and the folders the CLI and the
 * README's examples write by default are ignored by git.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface LockEntry {
  engines?: { node?: string } | string[];
  optional?: boolean;
}

test('every package npm ci installs accepts the running Node version', () => {
  const lock = JSON.parse(readFileSync(`${root}/package-lock.json`, 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const refusing = Object.entries(lock.packages)
    .filter(([path, e]) => path !== '' && !e.optional)
    .filter(([, e]) => {
      const range = Array.isArray(e.engines) ? undefined : e.engines?.node;
      return range !== undefined && !semver.satisfies(process.version, range, { includePrerelease: true });
    })
    .map(([path, e]) => `${path.replace(/^.*node_modules\//, '')} (node ${JSON.stringify(e.engines)})`);
  assert.deepEqual(refusing, [], `packages that warn on Node ${process.version}`);
});

test('the default output folders of the CLI and the README examples are ignored by git', () => {
  const paths = [
    'nasunet-run/model/manifest.json',
    'nasunet-demo/report.json',
    'run1/genotype.json',
    'runs/x/plan.json',
  ];
  // check-ignore prints the ignored ones; a path it does not print would be committed.
  const out = execFileSync('git', ['check-ignore', ...paths], { cwd: root, encoding: 'utf8' });
  assert.deepEqual(out.trim().split('\n'), paths);
});
