/**
 * Class names end to end through the compiled `nasunet` command: from an MSD folder's
 * dataset.json or from --class-names into the model bundle and evaluate's report; a
 * wrong count is a usage error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from './exit-codes.js';
import { writeTinyMsd } from './testing/tiny-msd.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const work = mkdtempSync(join(tmpdir(), 'nasunet-classnames-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: work });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The tiny MSD folder with its two foreground classes named in dataset.json. */
function msdFolder(): string {
  const labels = { '0': 'background', '1': 'Anterior', '2': 'Posterior' };
  return writeTinyMsd(join(work, 'msd'), { name: 'tiny-hippo', labels });
}

const data = msdFolder();
const TRAIN = [
  'train',
  '--data',
  data,
  '--arch',
  'unet',
  '--preset',
  'tiny',
  '--max-steps',
  '1',
  '--backend',
  'cpu',
  '--quiet',
];

function bundleNames(out: string): string[] {
  const manifest = JSON.parse(readFileSync(join(work, out, 'model', 'manifest.json'), 'utf8')) as {
    preprocessing: { classes: Array<{ code: number; name: string }> };
  };
  return manifest.preprocessing.classes.map((c) => c.name);
}

test("dataset.json's label names reach the model bundle and evaluate's report", () => {
  const t = cli([...TRAIN, '--out', 'fromjson']);
  assert.equal(t.code, EXIT.OK, t.stderr);
  assert.deepEqual(bundleNames('fromjson'), ['background', 'Anterior', 'Posterior']);
  const e = cli([
    'evaluate',
    '--data',
    data,
    '--model',
    join('fromjson', 'model'),
    '--split',
    'all',
    '--no-hd95',
    '--backend',
    'cpu',
    '--out',
    'fromjson',
  ]);
  assert.equal(e.code, EXIT.OK, e.stderr);
  const report = JSON.parse(readFileSync(join(work, 'fromjson', 'report.json'), 'utf8')) as {
    classNames: string[];
    perClass: Array<{ name: string }>;
  };
  assert.deepEqual(report.classNames, ['background', 'Anterior', 'Posterior']);
  assert.deepEqual(
    report.perClass.map((p) => p.name),
    ['Anterior', 'Posterior'],
  );
  const text = readFileSync(join(work, 'fromjson', 'report.txt'), 'utf8');
  assert.match(text, /^Anterior +\d/m);
  assert.match(text, /^Posterior +\d/m);
});

test('--class-names names the foreground classes in the bundle, over dataset.json', () => {
  const t = cli([...TRAIN, '--out', 'named', '--class-names', 'anterior head, posterior body']);
  assert.equal(t.code, EXIT.OK, t.stderr);
  assert.deepEqual(bundleNames('named'), ['background', 'anterior head', 'posterior body']);
});

test('--class-names with the wrong count or a blank name is refused (exit 2) saying why', () => {
  const many = cli([...TRAIN, '--out', 'wrong', '--class-names', 'background,anterior,posterior']);
  assert.equal(many.code, EXIT.USAGE);
  assert.match(
    many.stderr,
    /--class-names: 3 class name\(s\) given .* 2 foreground class\(es\) \(label codes 1, 2\)/,
  );
  const blank = cli([...TRAIN, '--out', 'wrong', '--class-names', 'anterior,,posterior']);
  assert.equal(blank.code, EXIT.USAGE);
  assert.match(blank.stderr, /--class-names .*class name 2 .* not blank/);
});
