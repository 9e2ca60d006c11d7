/**
 * Reading series: the two real samples checked against geometry computed here from their
 * tags, a synthetic oblique series round-tripping exactly (read, and a SEG written on it read
 * back by dcmjs and pydicom), and every refusal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { DataFormatError } from '../../core/src/index.js';
import { encodeSegmentation, readDicomDir, readDicomSeries, type DicomInput } from './index.js';
import { hasPydicom, readSegBack, readSegBackWithPydicom } from './testing/seg-read-back.js';
import { syntheticInstance, type SyntheticSlice } from './testing/synthetic-series.js';

const samples = fileURLToPath(new URL('../../../../../shared/data/dicom-samples', import.meta.url));
const skip = !existsSync(samples) && !process.env['CI'] ? `no ${samples}` : false;

type V3 = [number, number, number];
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

/** Geometry of a folder computed straight from its tags (not with the lib's code). */
function tagsOf(dir: string) {
  return readdirSync(dir).map((name) => {
    const b = readFileSync(join(dir, name));
    const d = dcmjs.data.DicomMessage.readFile(
      b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
    ).dict;
    return {
      name,
      uid: d['00080018']?.Value?.[0] as string,
      ipp: d['00200032']?.Value as V3,
      iop: d['00200037']?.Value as number[],
      ps: d['00280030']?.Value as [number, number],
    };
  });
}

async function checkAgainstTags(dir: string) {
  const tags = tagsOf(dir);
  const iop = tags[0]!.iop;
  const normal: V3 = [
    iop[1]! * iop[5]! - iop[2]! * iop[4]!,
    iop[2]! * iop[3]! - iop[0]! * iop[5]!,
    iop[0]! * iop[4]! - iop[1]! * iop[3]!,
  ];
  const sorted = [...tags].sort((a, b) => dot(a.ipp, normal) - dot(b.ipp, normal));
  const series = await readDicomDir(dir);
  assert.deepEqual(
    series.slices.map((s) => s.sopInstanceUid),
    sorted.map((t) => t.uid),
  );
  const gap = Math.abs(dot(sorted[1]!.ipp, normal) - dot(sorted[0]!.ipp, normal));
  const [sx, sy, sz] = series.volume.spacingMm;
  assert.equal(sx, tags[0]!.ps[1]);
  assert.equal(sy, tags[0]!.ps[0]);
  assert.ok(Math.abs(sz - gap) < 1e-3, `${sz} vs ${gap}`);
  // RAS affine: column 0 = -(row direction) * column spacing in x and y, origin = first IPP flipped.
  const a = series.volume.affine;
  assert.ok(Math.abs(a[0]![0]! + iop[0]! * sx) < 1e-9 && Math.abs(a[2]![0]! - iop[2]! * sx) < 1e-9);
  assert.ok(Math.abs(a[1]![1]! + iop[4]! * sy) < 1e-9);
  assert.deepEqual([0 - a[0]![3]! + 0, 0 - a[1]![3]! + 0, a[2]![3]!], sorted[0]!.ipp);
  return { series, sorted };
}

test(
  'the oblique T1 series: slices sorted along the normal, spacing and orientation from the tags',
  { skip },
  async () => {
    const { series, sorted } = await checkAgainstTags(join(samples, '11-T1post-18670'));
    assert.deepEqual(series.volume.shape, [280, 320, 22]);
    assert.equal(series.volume.orientation, 'LPS');
    assert.equal(series.sliceThickness, 5);
    assert.ok(Math.abs(series.volume.spacingMm[2] - 6.5) < 1e-3);
    assert.notEqual(sorted[0]!.name, '000000.dcm'); // file names do not give the order
  },
);

test('the hippocampus crop: 34 x 50 x 40 at 1 mm', { skip }, async () => {
  const { series } = await checkAgainstTags(join(samples, '11_HCropVolume'));
  assert.deepEqual(series.volume.shape, [34, 50, 40]);
  assert.deepEqual(series.volume.spacingMm, [1, 1, 1]);
});

/** Row direction rotated 0.3 rad about z, column direction tilted 0.5 rad out of the plane: orthonormal. */
const OBLIQUE: SyntheticSlice['orientation'] = [
  Math.cos(0.3),
  Math.sin(0.3),
  0,
  -Math.sin(0.3) * Math.cos(0.5),
  Math.cos(0.3) * Math.cos(0.5),
  Math.sin(0.5),
];

/** Slices of an oblique series: 4 columns x 3 rows, 0.5 x 0.8 mm pixels, 5 slices 2.5 mm apart. */
function obliqueSeries(over: Partial<SyntheticSlice>[] = []): { slices: SyntheticSlice[]; normal: V3 } {
  const r = OBLIQUE.slice(0, 3) as V3;
  const c = OBLIQUE.slice(3) as V3;
  const normal: V3 = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  const slices = Array.from({ length: 5 }, (_, k) => ({
    seriesUid: '2.25.77',
    sopInstanceUid: `2.25.100${k}`,
    position: [10 + 2.5 * k * normal[0], -20 + 2.5 * k * normal[1], 30 + 2.5 * k * normal[2]] as V3,
    orientation: OBLIQUE,
    pixelSpacing: [0.8, 0.5] as [number, number],
    rows: 3,
    columns: 4,
    pixels: Int16Array.from({ length: 12 }, (_, i) => (k * 12 + i) * (i % 2 === 0 ? 1 : -1)),
    slope: 2,
    intercept: -10,
    ...over[k],
  }));
  return { slices, normal };
}

const asInputs = (slices: SyntheticSlice[]): DicomInput[] =>
  slices.map((s, i) => ({ label: `file${i}`, bytes: syntheticInstance(s) }));

test('a synthetic oblique series written in reverse order round-trips exactly', async () => {
  const { slices, normal } = obliqueSeries();
  for (const ts of ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99']) {
    const series = await readDicomSeries(
      asInputs([...slices].reverse().map((s) => ({ ...s, transferSyntaxUid: ts }))),
    );
    assert.deepEqual(series.volume.shape, [4, 3, 5]);
    assert.deepEqual(
      series.slices.map((s) => s.sopInstanceUid),
      slices.map((s) => s.sopInstanceUid),
    );
    const expected = Float32Array.from(slices.flatMap((s) => Array.from(s.pixels, (v) => v * 2 - 10)));
    assert.deepEqual(series.volume.data, expected);
    const [sx, sy, sz] = series.volume.spacingMm;
    assert.ok(Math.abs(sx - 0.5) < 1e-12 && Math.abs(sy - 0.8) < 1e-12 && Math.abs(sz - 2.5) < 1e-9);
    const a = series.volume.affine;
    const lps = (col: number) => [0 - a[0]![col]! + 0, 0 - a[1]![col]! + 0, a[2]![col]!];
    lps(2).forEach((v, i) => assert.ok(Math.abs(v - 2.5 * normal[i]!) < 1e-9));
    lps(0).forEach((v, i) => assert.ok(Math.abs(v - 0.5 * OBLIQUE[i]!) < 1e-9));
    lps(1).forEach((v, i) => assert.ok(Math.abs(v - 0.8 * OBLIQUE[3 + i]!) < 1e-9));
    lps(3).forEach((v, i) => assert.ok(Math.abs(v - slices[0]!.position[i]!) < 1e-9));
  }
});

test('a SEG on the synthetic oblique series (files reversed, non-square pixels) reads back exactly', async () => {
  const { slices } = obliqueSeries();
  const series = await readDicomSeries(asInputs([...slices].reverse()));
  // A different mask on every slice; class 2 only where x > y, so orientation errors show.
  const [X, Y] = series.volume.shape;
  const mask = Uint8Array.from(series.volume.data, (_, i) => {
    const [x, y, z] = [i % X, Math.floor(i / X) % Y, Math.floor(i / (X * Y))];
    return (x + y + z) % 3 === 0 ? 0 : x > y ? 2 : 1;
  });
  const algorithm = { name: 'm', version: '1', weightsDigest: 'ab', genotypeDigest: 'none' };
  const segments = [
    { classIndex: 1, label: 'one' },
    { classIndex: 2, label: 'two' },
  ];
  const { bytes } = encodeSegmentation(series, mask, segments, algorithm);
  // Frames are placed by referenced instance; each frame's position must be that slice's IPP.
  assert.deepEqual(readSegBack(bytes, series), mask);
  const ds = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer as ArrayBuffer).dict;
  const shared = ds['52009229']?.Value?.[0] as Record<string, { Value?: unknown[] }>;
  const value = (seq: string, tag: string) =>
    (shared[seq]?.Value?.[0] as Record<string, { Value?: unknown[] }>)[tag]?.Value;
  // As in the source (DS values keep 16 characters of OBLIQUE's).
  assert.deepEqual(value('00209116', '00200037'), series.orientation);
  (value('00209116', '00200037') as number[]).forEach((v, i) => assert.ok(Math.abs(v - OBLIQUE[i]!) < 1e-12));
  assert.deepEqual(value('00289110', '00280030'), [0.8, 0.5]);
  if (hasPydicom || process.env['CI']) assert.deepEqual(readSegBackWithPydicom(bytes, series), mask);
});

async function refuses(inputs: DicomInput[], pattern: RegExp) {
  await assert.rejects(readDicomSeries(inputs), (e: unknown) => {
    assert.ok(e instanceof DataFormatError, String(e));
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /Secret|PID-SECRET|Dumbledore/);
    return true;
  });
}

test('non-image objects are refused by kind', { skip }, async () => {
  const read = (n: string) => [{ label: n, bytes: readFileSync(join(samples, 'pydicom', n)) }];
  await refuses(read('rtstruct.dcm'), /rtstruct\.dcm is an RT Structure Set \(RTSTRUCT\), not an image/);
  await refuses(read('liver_1frame.dcm'), /liver_1frame\.dcm is a Segmentation \(SEG\), not an image/);
});

test('two orientations, non-uniform spacing, two series, missing geometry are refused', async () => {
  const twisted = obliqueSeries([{}, {}, { orientation: [1, 0, 0, 0, 1, 0] }]).slices;
  await refuses(asInputs(twisted), /two orientations/);
  const { slices, normal } = obliqueSeries();
  const moved = slices.map((s, k) =>
    k === 4 ? { ...s, position: s.position.map((v, i) => v + 1.5 * normal[i]!) as V3 } : s,
  );
  await refuses(asInputs(moved), /not uniformly spaced/);
  await refuses(asInputs(obliqueSeries([{}, { seriesUid: '2.25.78' }]).slices), /two series/);
  const noPosition = syntheticInstance({ ...slices[0]!, position: [] as unknown as V3 });
  await refuses([{ label: 'file0', bytes: noPosition }], /file0: geometry missing/);
});

test(
  'a non-DICOM file, a truncated file and a transfer syntax without decoder are refused',
  { skip },
  async () => {
    await refuses(
      [{ label: 'README.txt', bytes: readFileSync(join(samples, 'pydicom', 'README.txt')) }],
      /README\.txt: not a DICOM file/,
    );
    const t1 = readFileSync(join(samples, '11-T1post-18670', '000003.dcm'));
    await refuses([{ label: 'cut.dcm', bytes: t1.subarray(0, 100_000) }], /cut\.dcm: truncated DICOM/);
    await refuses([{ label: 'cut.dcm', bytes: t1.subarray(0, 1000) }], /cut\.dcm: unreadable or truncated/);
    const jpeg12 = asInputs(
      obliqueSeries([{ transferSyntaxUid: '1.2.840.10008.1.2.4.51' }]).slices.slice(0, 1),
    );
    await refuses(
      jpeg12,
      /1\.2\.840\.10008\.1\.2\.4\.51 \(JPEG Extended, 12-bit: no decoder\) is not supported/,
    );
  },
);
