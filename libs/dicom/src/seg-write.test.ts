/**
 * The SEG written for a known mask on the T1 sample reads back voxel-exact with dcmjs
 * (frames mapped by referenced SOPInstanceUID), and with pydicom; dciodvfy finds no error
 * or warning; an empty mask still gives a valid SEG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs, { type DicomDataset } from 'dcmjs';
import {
  encodeSegmentation,
  readDicomDir,
  readSegmentationMask,
  writeSeriesSegmentation,
  type DicomSeries,
} from './index.js';
import {
  dciodvfyReport,
  hasDciodvfy,
  hasPydicom,
  readSegBack,
  readSegBackWithPydicom,
} from './testing/seg-read-back.js';

const samples = fileURLToPath(new URL('../../../../../shared/data/dicom-samples', import.meta.url));
const skip = !existsSync(samples) && !process.env['CI'] ? `no ${samples}` : false;
const toolSkip = (ok: boolean, what: string) => (ok || process.env['CI'] ? skip : `${what} is not installed`);

const ALGORITHM = {
  name: 'hippo-net',
  version: '3',
  weightsDigest: 'ab'.repeat(32),
  genotypeDigest: 'cd'.repeat(32),
};
const SEGMENTS = [
  { classIndex: 1, label: 'bright' },
  { classIndex: 2, label: 'mid' },
];

/** A mask of two classes by intensity, so frames differ slice to slice. */
function maskOf(series: DicomSeries): Uint8Array {
  return Uint8Array.from(series.volume.data, (v) => (v > 300 ? 1 : v > 150 ? 2 : 0));
}

const item = (ds: DicomDataset, tag: string) => ds[tag]?.Value?.[0] as DicomDataset;
const first = (ds: DicomDataset, tag: string) => ds[tag]?.Value?.[0];

test(
  'a SEG of the T1 series reads back voxel-exact, with the source geometry and references',
  { skip },
  async () => {
    const series = await readDicomDir(join(samples, '11-T1post-18670'));
    const mask = maskOf(series);
    const bytes = encodeSegmentation(series, mask, SEGMENTS, ALGORITHM).bytes;
    assert.deepEqual(readSegBack(bytes, series), mask);
    const ds = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer as ArrayBuffer).dict;
    assert.equal(first(ds, '00080005'), 'ISO_IR 192');
    assert.equal(first(ds, '0020000D'), series.studyInstanceUid);
    assert.equal(first(ds, '00200052'), series.frameOfReferenceUid);
    assert.notEqual(first(ds, '0020000E'), series.seriesInstanceUid);
    assert.deepEqual(ds['00100010']?.Value, series.header['00100010']?.Value);
    const shared = item(ds, '52009229');
    assert.equal(first(item(shared, '00289110'), '00180050'), 5); // the source's SliceThickness
    const referenced = item(ds, '00081115');
    assert.equal(first(referenced, '0020000E'), series.seriesInstanceUid);
    assert.equal(referenced['0008114A']?.Value?.length, 22);
    const segments = ds['00620002']?.Value as DicomDataset[];
    assert.deepEqual(
      segments.map((s) => [
        first(s, '00620004'),
        first(s, '00620005'),
        first(s, '00620008'),
        first(s, '00620009'),
      ]),
      [
        [1, 'bright', 'AUTOMATIC', 'hippo-net'],
        [2, 'mid', 'AUTOMATIC', 'hippo-net'],
      ],
    );
    const dimensions = (ds['00209222']?.Value as DicomDataset[]).map((x) => first(x, '00209165'));
    assert.deepEqual(dimensions, [0x0062000b, 0x00200032]);
  },
);

test('an empty mask gives a SEG with one all-zero frame', { skip }, async () => {
  const series = await readDicomDir(join(samples, '11_HCropVolume'));
  const empty = new Uint8Array(series.volume.data.length);
  const bytes = encodeSegmentation(series, empty, SEGMENTS.slice(0, 1), ALGORITHM).bytes;
  assert.deepEqual(readSegBack(bytes, series), empty);
});

test('pydicom reads the SEG voxel-exact', { skip: toolSkip(hasPydicom, 'python3-pydicom') }, async () => {
  const series = await readDicomDir(join(samples, '11-T1post-18670'));
  const mask = maskOf(series);
  const bytes = encodeSegmentation(series, mask, SEGMENTS, ALGORITHM).bytes;
  assert.deepEqual(readSegBackWithPydicom(bytes, series), mask);
});

test(
  'dciodvfy finds no error or warning in the SEG',
  { skip: toolSkip(hasDciodvfy, 'dicom3tools (dciodvfy)') },
  async () => {
    for (const [name, empty] of [
      ['11-T1post-18670', false],
      ['11_HCropVolume', true],
    ] as const) {
      const series = await readDicomDir(join(samples, name));
      const mask = empty ? new Uint8Array(series.volume.data.length) : maskOf(series);
      const report = dciodvfyReport(encodeSegmentation(series, mask, SEGMENTS, ALGORITHM).bytes);
      assert.doesNotMatch(report, /Error|Warning/, report);
      assert.match(report, /Segmentation/);
    }
  },
);

test(
  'codes recorded for a class, the algorithm identification and segment tallies; the CLI reader reads it back',
  { skip },
  async () => {
    const series = await readDicomDir(join(samples, '11-T1post-18670'));
    const mask = maskOf(series);
    const hippocampus = {
      category: { value: '91723000', scheme: 'SCT', meaning: 'Anatomical Structure' },
      type: { value: '5366008', scheme: 'SCT', meaning: 'Hippocampus' },
      modifier: { value: '255551008', scheme: 'SCT', meaning: 'Posterior' },
    };
    const genotype = { normal: [['conv', 0]], reduce: [] };
    const seg = writeSeriesSegmentation(
      series,
      mask,
      [{ name: 'bg' }, { name: 'bright' }, { name: 'mid', segment: hippocampus }],
      {
        name: 'hippo-net',
        version: '3',
        weightsDigest: 'sha256:ab',
        genotype,
      },
    );
    assert.deepEqual(readSegmentationMask(seg.bytes, series), mask);
    const ds = dcmjs.data.DicomMessage.readFile(seg.bytes.slice().buffer as ArrayBuffer).dict;
    assert.equal(first(ds, '00080018'), seg.sopInstanceUid);
    assert.equal(first(ds, '0020000E'), seg.seriesInstanceUid);
    const versions = ds['00181020']?.Value as string[];
    assert.equal(versions[0], '3');
    assert.match(versions[1]!, /^[0-9a-f]{64}$/);
    const segments = ds['00620002']?.Value as DicomDataset[];
    const type = (k: number) => item(segments[k]!, '0062000F');
    assert.equal(first(type(0), '00080100'), '85756007'); // the default: Tissue
    assert.equal(type(0)['00620011'], undefined);
    assert.equal(first(type(1), '00080100'), '5366008');
    assert.equal(first(item(type(1), '00620011'), '00080104'), 'Posterior');
    const [sx, sy, sz] = series.volume.spacingMm;
    const count = (k: number) => mask.reduce((n, v) => n + (v === k ? 1 : 0), 0);
    assert.deepEqual(
      seg.segments.map((g) => [g.segmentNumber, g.label, g.voxelCount, g.type.value]),
      [
        [1, 'bright', count(1), '85756007'],
        [2, 'mid', count(2), '5366008'],
      ],
    );
    assert.ok(Math.abs(seg.segments[1]!.volumeMl - (count(2) * sx * sy * sz) / 1000) < 1e-9);
  },
);
