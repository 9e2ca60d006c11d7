/**
 * RLE Lossless: a hand-made frame decodes to its bytes; malformed frames are refused; the
 * samples compressed by pydicom read as the uncompressed series and give the same SEG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFormatError } from '../../core/src/index.js';
import { encodeSegmentation, readDicomDir } from './index.js';
import { decodeRleFrame } from './rle.js';
import { readSegBack } from './testing/seg-read-back.js';

const samples = fileURLToPath(new URL('../../../../../shared/data/dicom-samples', import.meta.url));
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasPydicom = spawnSync(PYTHON, ['-c', 'import pydicom']).status === 0;
const skip = process.env['CI']
  ? false
  : !existsSync(samples)
    ? `no ${samples}`
    : !hasPydicom
      ? 'python3-pydicom is not installed'
      : false;

/** A frame of `segments` PackBits segments (header + bodies). */
function frame(...segments: number[][]): ArrayBuffer {
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let at = 64;
  segments.forEach((s, i) => {
    header.setUint32(4 + 4 * i, at, true);
    at += s.length;
  });
  const out = new Uint8Array(at);
  out.set(new Uint8Array(header.buffer));
  let o = 64;
  for (const s of segments) {
    out.set(
      s.map((b) => b & 0xff),
      o,
    );
    o += s.length;
  }
  return out.buffer;
}

test('PackBits runs decode into little-endian samples; malformed frames are refused', () => {
  // 8 bit: a literal run of 3, a repeat of 4.
  assert.deepEqual(
    [...new Uint8Array(decodeRleFrame(frame([2, 10, 20, 30, -3, 7]), 7, 1, 'f'))],
    [10, 20, 30, 7, 7, 7, 7],
  );
  // 16 bit: high bytes then low bytes; -128 is a no-op.
  const wide = decodeRleFrame(frame([-128, -1, 1], [1, 0x34, 0x78]), 2, 2, 'f');
  assert.deepEqual([...new Uint16Array(wide)], [0x0134, 0x0178]);
  const refused = (f: ArrayBuffer, n: number, b: number, pattern: RegExp) =>
    assert.throws(
      () => decodeRleFrame(f, n, b, 'instance 2'),
      (e: unknown) => e instanceof DataFormatError && pattern.test(e.message),
    );
  refused(frame([2, 10, 20]), 3, 1, /instance 2: RLE literal run out of bounds/);
  refused(frame([-3, 7]), 3, 1, /RLE repeat run out of bounds/);
  refused(frame([0, 1]), 3, 1, /RLE segment ends early/);
  refused(frame([0, 1]), 1, 2, /1 segments, expected 2/);
  refused(new ArrayBuffer(10), 1, 1, /shorter than its header/);
});

test(
  'the samples compressed as RLE Lossless read as the uncompressed series and give the same SEG',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rle-'));
    try {
      for (const name of ['11_HCropVolume', '11-T1post-18670']) {
        const out = join(dir, name);
        const script = [
          'import sys, os, glob, pydicom',
          'from pydicom.uid import RLELossless',
          'os.makedirs(sys.argv[2])',
          'for f in glob.glob(os.path.join(sys.argv[1], "*")):',
          '  d = pydicom.dcmread(f); d.compress(RLELossless); d.save_as(os.path.join(sys.argv[2], os.path.basename(f)))',
        ].join('\n');
        const r = spawnSync(PYTHON, ['-c', script, join(samples, name), out], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const plain = await readDicomDir(join(samples, name));
        const rle = await readDicomDir(out);
        assert.deepEqual(rle.volume, plain.volume);
        assert.deepEqual(rle.slices, plain.slices);
        const mask = Uint8Array.from(plain.volume.data, (v) => (v > 300 ? 1 : v > 150 ? 2 : 0));
        const segments = [
          { classIndex: 1, label: 'bright' },
          { classIndex: 2, label: 'mid' },
        ];
        const algorithm = { name: 'm', version: '1', weightsDigest: 'sha256:00', genotypeDigest: 'none' };
        const a = encodeSegmentation(plain, mask, segments, algorithm);
        const b = encodeSegmentation(rle, mask, segments, algorithm);
        assert.equal(a.frames, b.frames);
        assert.deepEqual(readSegBack(b.bytes, plain), readSegBack(a.bytes, plain));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
