/**
 * Class names end to end through the compiled `nasunet` command: from an MSD folder's
 * dataset.json or from --class-names into the model bundle and evaluate's report; a
 * wrong count is a usage error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNifti, makeVolume } from '../../data/src/index.js';
import { EXIT } from './exit-codes.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const work = mkdtempSync(join(tmpdir(), 'nasunet-classnames-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: work });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An MSD folder of four 16x16x2 cases with two foreground classes named in dataset.json. */
function msdFolder(): string {
  const root = join(work, 'msd');
  mkdirSync(join(root, 'imagesTr'), { recursive: true });
  mkdirSync(join(root, 'labelsTr'), { recursive: true });
  const [X, Y, Z] = [16, 16, 2];
  const training = [];
  for (let c = 0; c < 4; c++) {
    const label = Float32Array.from({ length: X * Y * Z }, (_, i) => {
      const [x, y] = [i % X, Math.floor(i / X) % Y];
      return y > 4 && y < 12 ? (x > 3 && x < 8 ? 1 : x > 9 && x < 14 ? 2 : 0) : 0;
    });
    const image = label.map((k, i) => k * 10 + ((i * 7 + c) % 5));
    writeFileSync(
      join(root, 'imagesTr', `case${c}.nii.gz`),
      encodeNifti(makeVolume(image, [X, Y, Z]), 'float32', true),
    );
    writeFileSync(
      join(root, 'labelsTr', `case${c}.nii.gz`),
      encodeNifti(makeVolume(label, [X, Y, Z]), 'uint8', true),
    );
    training.push({ image: `./imagesTr/case${c}.nii.gz`, label: `./labelsTr/case${c}.nii.gz` });
  }
  const labels = { '0': 'background', '1': 'Anterior', '2': 'Posterior' };
  writeFileSync(join(root, 'dataset.json'), JSON.stringify({ name: 'tiny-hippo', labels, training }));
  return root;
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
