/**
 * SNOMED CT codes of a dataset's classes end to end through the compiled `nasunet`
 * command: dataset.json's `segmentCodes` are recorded in the model bundle by `train`, and
 * the DICOM SEG that `segment --dicom` writes with that model carries them (read back with
 * dcmjs and pydicom; dciodvfy finds no error); bad codes are refused naming the field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs, { type DicomDataset } from 'dcmjs';
import { dciodvfyReport, hasDciodvfy, hasPydicom } from '../../dicom/src/testing/seg-read-back.js';
import { syntheticInstance } from '../../dicom/src/testing/synthetic-series.js';
import { EXIT } from './exit-codes.js';
import { writeTinyMsd } from './testing/tiny-msd.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const work = mkdtempSync(join(tmpdir(), 'nasunet-segcodes-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd: work });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sct = (value: string, meaning: string) => ({ value, scheme: 'SCT', meaning });
const CODES = {
  '1': {
    category: sct('91723000', 'Anatomical Structure'),
    type: sct('5366008', 'Hippocampus'),
    modifier: sct('255549009', 'Anterior'),
  },
  '2': {
    category: sct('91723000', 'Anatomical Structure'),
    type: sct('5366008', 'Hippocampus'),
    modifier: sct('255551008', 'Posterior'),
  },
};

/** The tiny MSD folder with two foreground classes; `extra` goes into dataset.json. */
function msdFolder(name: string, extra: Record<string, unknown>): string {
  const labels = { '0': 'background', '1': 'anterior', '2': 'posterior' };
  return writeTinyMsd(join(work, name), { name, labels, ...extra });
}

const train = (data: string, out: string) =>
  cli([
    'train',
    ...['--data', data, '--arch', 'unet', '--preset', 'tiny', '--max-steps', '1'],
    ...['--backend', 'cpu', '--quiet', '--out', out],
  ]);

/** A 3-slice axial DICOM series of 16 x 16 pixels, 1 mm voxels, written as files. */
function dicomSeries(): string {
  const dir = join(work, 'series');
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < 3; k++) {
    const bytes = syntheticInstance({
      seriesUid: '2.25.77',
      sopInstanceUid: `2.25.77.${k + 1}`,
      position: [0, 0, k],
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacing: [1, 1],
      rows: 16,
      columns: 16,
      pixels: Int16Array.from({ length: 256 }, (_, i) => (i % 16 > 3 && i % 16 < 8 ? 10 : i % 5)),
    });
    writeFileSync(join(dir, `slice${k}.dcm`), bytes);
  }
  return dir;
}

type Coded = { value: string; scheme: string; meaning: string };
const first = (ds: DicomDataset, tag: string) => ds[tag]?.Value?.[0];
const coded = (ds: DicomDataset, tag: string): Coded => {
  const item = first(ds, tag) as DicomDataset;
  return {
    value: first(item, '00080100') as string,
    scheme: first(item, '00080102') as string,
    meaning: first(item, '00080104') as string,
  };
};

test("dataset.json's segmentCodes reach the model bundle and the SEG written with that model", () => {
  const t = train(msdFolder('coded', { segmentCodes: CODES }), 'coded');
  assert.equal(t.code, EXIT.OK, t.stderr);
  const manifest = JSON.parse(readFileSync(join(work, 'coded', 'model', 'manifest.json'), 'utf8')) as {
    preprocessing: { classes: Array<{ code: number; name: string; segment?: unknown }> };
  };
  assert.deepEqual(manifest.preprocessing.classes, [
    { code: 0, name: 'background' },
    { code: 1, name: 'anterior', segment: CODES['1'] },
    { code: 2, name: 'posterior', segment: CODES['2'] },
  ]);

  const s = cli([
    'segment',
    ...['--dicom', dicomSeries(), '--model', join('coded', 'model'), '--out', 'seg'],
    ...['--backend', 'cpu', '--json'],
  ]);
  assert.equal(s.code, EXIT.OK, s.stderr);
  const { maskPath } = JSON.parse(s.stdout.trim().split('\n').pop()!) as { maskPath: string };
  const segPath = resolve(work, maskPath);
  const bytes = readFileSync(segPath);
  const ds = dcmjs.data.DicomMessage.readFile(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
  ).dict;
  const segments = (ds['00620002']?.Value ?? []) as DicomDataset[];
  const expected = [
    ['anterior', CODES['1']],
    ['posterior', CODES['2']],
  ] as const;
  assert.deepEqual(
    segments.map((g) => [
      first(g, '00620005'),
      {
        category: coded(g, '00620003'),
        type: coded(g, '0062000F'),
        modifier: coded(first(g, '0062000F') as DicomDataset, '00620011'),
      },
    ]),
    expected,
  );
  if (hasDciodvfy || process.env['CI']) {
    // The synthetic source has no StudyDate, StudyTime or StudyID, which the SEG copies.
    const problems = dciodvfyReport(bytes)
      .split('\n')
      .filter(
        (l) => /^(Error|Warning)/.test(l) && !/needed to build DICOMDIR - Study (Date|Time|ID)$/.test(l),
      );
    assert.deepEqual(problems, []);
  }
  if (!hasPydicom && !process.env['CI']) return; // Debian python3-pydicom, installed by .ci/run
  const py = spawnSync(
    PYTHON,
    [
      '-c',
      [
        'import sys, json, pydicom',
        'd = pydicom.dcmread(sys.argv[1])',
        'c = lambda x: {"value": x.CodeValue, "scheme": x.CodingSchemeDesignator, "meaning": x.CodeMeaning}',
        'print(json.dumps([[s.SegmentLabel, {"category": c(s.SegmentedPropertyCategoryCodeSequence[0]),' +
          ' "type": c(s.SegmentedPropertyTypeCodeSequence[0]),' +
          ' "modifier": c(s.SegmentedPropertyTypeCodeSequence[0].SegmentedPropertyTypeModifierCodeSequence[0])}]' +
          ' for s in d.SegmentSequence]))',
      ].join('\n'),
      segPath,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  assert.deepEqual(JSON.parse(py.stdout), expected);
});

test('bad segmentCodes in dataset.json are refused (exit 3) naming the key and field', () => {
  const unknown = train(msdFolder('unknown-code', { segmentCodes: { '3': CODES['1'] } }), 'bad');
  assert.equal(unknown.code, EXIT.DATA);
  assert.match(
    unknown.stderr,
    /segmentCodes names label code 3, which is not a class of the data \(0, 1, 2\)/,
  );
  const noMeaning = { value: CODES['1'].type.value, scheme: 'SCT' };
  const partial = train(
    msdFolder('no-meaning', { segmentCodes: { '1': { ...CODES['1'], type: noMeaning } } }),
    'bad',
  );
  assert.equal(partial.code, EXIT.DATA);
  assert.match(partial.stderr, /segmentCodes\.1\.type\.meaning: .*expected string/);
  const background = train(msdFolder('background', { segmentCodes: { '0': CODES['1'] } }), 'bad');
  assert.equal(background.code, EXIT.DATA);
  assert.match(background.stderr, /segmentCodes key '0' must be the label code of a foreground class/);
});
