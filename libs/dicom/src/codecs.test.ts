/**
 * Compressed transfer syntaxes: copies of the samples written by independent encoders
 * (dcmtk; openjpeg's encoder for JPEG 2000) read voxel-exact as the uncompressed series for
 * every lossless syntax and give the same SEG; lossy ones decode within their error bound;
 * 12-bit JPEG and corrupt frames are refused with clear messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { DataFormatError } from '../../core/src/index.js';
import {
  readDicomDir,
  SUPPORTED_TRANSFER_SYNTAXES,
  writeSeriesSegmentation,
  type DicomSeries,
} from './index.js';
import { compressedCopy, hasDcmtk } from './testing/compressed-copies.js';
import { readSegBack } from './testing/seg-read-back.js';
import { syntheticInstance } from './testing/synthetic-series.js';

const samples = fileURLToPath(new URL('../../../../../shared/data/dicom-samples', import.meta.url));
const SAMPLES = ['11_HCropVolume', '11-T1post-18670'];
const skip = process.env['CI']
  ? false
  : !existsSync(samples)
    ? `no ${samples}`
    : !hasDcmtk
      ? 'dcmtk is not installed'
      : false;

const LOSSLESS = [
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.90',
];

/** The SEG a fixed rule on the series' own modality values gives, as the mask read back. */
function segOf(series: DicomSeries): { frames: number; mask: Uint8Array } {
  const cut = series.volume.data.reduce((a, b) => a + b, 0) / series.volume.data.length;
  const mask = Uint8Array.from(series.volume.data, (v) => (v > 2 * cut ? 1 : v > cut ? 2 : 0));
  const classes = [{ name: 'background' }, { name: 'bright' }, { name: 'mid' }];
  const model = { name: 'm', version: '1', weightsDigest: 'sha256:00', genotype: null };
  const seg = writeSeriesSegmentation(series, mask, classes, model);
  return { frames: seg.frames, mask: readSegBack(seg.bytes, series) };
}

const maxError = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

test(
  'every lossless syntax reads voxel-exact as the uncompressed series and gives the same SEG',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'codecs-'));
    try {
      for (const name of SAMPLES) {
        const plain = await readDicomDir(join(samples, name));
        const reference = segOf(plain);
        assert.ok(reference.mask.some((k) => k === 1) && reference.mask.some((k) => k === 2));
        for (const syntax of LOSSLESS) {
          const out = join(dir, name, syntax);
          await compressedCopy(join(samples, name), out, syntax);
          const written = readFileSync(join(out, readdirSync(out)[0]!));
          assert.ok(written.includes(Buffer.from(syntax)), `${syntax} written`);
          const series = await readDicomDir(out);
          assert.deepEqual(series.volume, plain.volume, `${name} ${SUPPORTED_TRANSFER_SYNTAXES[syntax]}`);
          assert.deepEqual(series.slices, plain.slices);
          assert.deepEqual(segOf(series), reference, `${name} ${syntax}: same SEG`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('negative signed 16-bit values decode exactly in every lossless syntax', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecs-'));
  try {
    const src = join(dir, 'src');
    mkdirSync(src);
    for (let z = 0; z < 3; z++) {
      const pixels = Int16Array.from({ length: 64 * 64 }, (_, i) => ((i * 7919 + z * 131) % 4001) - 2000);
      const slice = {
        seriesUid: '2.25.9',
        sopInstanceUid: `2.25.9.${z}`,
        position: [0, 0, 3 * z] as [number, number, number],
        orientation: [1, 0, 0, 0, 1, 0] as [number, number, number, number, number, number],
        pixelSpacing: [1, 1] as [number, number],
        rows: 64,
        columns: 64,
        pixels,
      };
      writeFileSync(join(src, `${z}.dcm`), syntheticInstance(slice));
    }
    const plain = await readDicomDir(src);
    assert.ok(plain.volume.data.some((v) => v < -1900) && plain.volume.data.some((v) => v > 1900));
    for (const syntax of LOSSLESS) {
      await compressedCopy(src, join(dir, syntax), syntax);
      assert.deepEqual((await readDicomDir(join(dir, syntax))).volume, plain.volume, syntax);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lossy syntaxes decode within their error bound', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecs-'));
  try {
    const src = join(samples, '11-T1post-18670');
    const plain = await readDicomDir(src);
    // JPEG-LS near-lossless (NEAR = 2) and JPEG 2000 irreversible: against the original.
    for (const [syntax, bound] of [
      ['1.2.840.10008.1.2.4.81', 2],
      ['1.2.840.10008.1.2.4.91', 20],
    ] as const) {
      await compressedCopy(src, join(dir, syntax), syntax);
      const series = await readDicomDir(join(dir, syntax));
      const error = maxError(series.volume.data, plain.volume.data);
      assert.ok(error > 0 && error <= bound, `${syntax}: max error ${error}`);
    }
    // JPEG baseline (dcmtk windows the 12-bit values to 8 bits): against dcmtk's own decoding.
    const baseline = join(dir, 'baseline');
    await compressedCopy(src, baseline, '1.2.840.10008.1.2.4.50');
    const decoded = join(dir, 'dcmdjpeg');
    mkdirSync(decoded);
    for (const f of readdirSync(baseline)) {
      assert.equal(spawnSync('dcmdjpeg', [join(baseline, f), join(decoded, f)]).status, 0);
    }
    const ours = await readDicomDir(baseline);
    const theirs = await readDicomDir(decoded);
    assert.ok(maxError(ours.volume.data, theirs.volume.data) <= 2);
    assert.ok(maxError(ours.volume.data, new Float32Array(ours.volume.data.length)) > 100, 'not blank');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('12-bit JPEG and corrupt frames are refused by name', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'codecs-'));
  const refused = (p: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(p, (e: unknown) => e instanceof DataFormatError && pattern.test(e.message));
  try {
    const src = join(samples, '11_HCropVolume');
    await compressedCopy(src, join(dir, 'extended'), '1.2.840.10008.1.2.4.51');
    await refused(
      readDicomDir(join(dir, 'extended')),
      /transfer syntax 1\.2\.840\.10008\.1\.2\.4\.51 \(JPEG Extended, 12-bit: no decoder\) is not supported/,
    );
    for (const syntax of ['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.70']) {
      const out = join(dir, syntax);
      await compressedCopy(src, out, syntax);
      // The frame of one slice replaced by the first half of its codestream.
      const bytes = readFileSync(join(out, '7.dcm'));
      const d = dcmjs.data.DicomMessage.readFile(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      );
      const frame = d.dict['7FE00010']!.Value![0] as ArrayBuffer;
      d.dict['7FE00010'] = { vr: 'OB', Value: [frame.slice(0, frame.byteLength >> 1)] };
      writeFileSync(join(out, '7.dcm'), new Uint8Array(d.write()));
      await refused(readDicomDir(out), /^7\.dcm: the JPEG[- \w]* frame/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
