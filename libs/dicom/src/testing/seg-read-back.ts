/**
 * Test support: the label mask a binary SEG holds on the grid of its source series, read
 * element by element with dcmjs (not with libs/dicom's writer): each frame is placed on the
 * slice its DerivationImageSequence references, and its PlanePositionSequence must equal
 * that slice's ImagePositionPatient; segments must not overlap. The same mask read by an
 * independent reader (Debian python3-pydicom), and dciodvfy's report (Debian dicom3tools).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs, { type DicomDataset } from 'dcmjs';
import type { DicomSeries } from '../read-series.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** Whether python3 with pydicom is installed. */
export const hasPydicom = spawnSync(PYTHON, ['-c', 'import pydicom']).status === 0;
/** Whether dciodvfy is installed. */
export const hasDciodvfy = spawnSync('which', ['dciodvfy']).status === 0;

/** Runs `fn` on the path of a temporary file holding `bytes`. */
function withFile<T>(bytes: Uint8Array, fn: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'seg-check-'));
  try {
    writeFileSync(join(dir, 'seg.dcm'), bytes);
    return fn(join(dir, 'seg.dcm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The mask of `bytes` (a SEG) on `series`' grid as pydicom reads it, frames placed by their referenced SOP instance. */
export function readSegBackWithPydicom(bytes: Uint8Array, series: DicomSeries): Uint8Array {
  // One line per frame: referenced SOP instance, segment number, indices of set pixels.
  const script = [
    'import sys, pydicom',
    'd = pydicom.dcmread(sys.argv[1])',
    'a = d.pixel_array.reshape(int(d.NumberOfFrames), d.Rows * d.Columns)',
    'for f, g in zip(a, d.PerFrameFunctionalGroupsSequence):',
    '  uid = g.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID',
    '  seg = g.SegmentIdentificationSequence[0].ReferencedSegmentNumber',
    '  print(uid, seg, *f.nonzero()[0].tolist())',
  ].join('\n');
  const out = withFile(bytes, (path) =>
    execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 28 }),
  );
  const [X, Y, Z] = series.volume.shape;
  const slice = new Map(series.slices.map((s, z) => [s.sopInstanceUid, z]));
  const back = new Uint8Array(X * Y * Z);
  for (const line of out.trim().split('\n')) {
    const [uid, seg, ...set] = line.split(' ');
    const z = slice.get(uid as string);
    assert.ok(z !== undefined, 'every frame references a slice of the source');
    for (const i of set) back[z * X * Y + Number(i)] = Number(seg);
  }
  return back;
}

/** dciodvfy's report on `bytes`. */
export function dciodvfyReport(bytes: Uint8Array): string {
  return withFile(bytes, (path) => {
    const r = spawnSync('dciodvfy', [path], { encoding: 'utf8' });
    return `${r.stdout}${r.stderr}`;
  });
}

const item = (ds: DicomDataset, tag: string) => ds[tag]?.Value?.[0] as DicomDataset;
const first = (ds: DicomDataset, tag: string) => ds[tag]?.Value?.[0];

/** The mask of `bytes` (a SEG) on `series`' grid, frames placed by their referenced SOP instance. */
export function readSegBack(bytes: Uint8Array, series: DicomSeries): Uint8Array {
  const d = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer as ArrayBuffer);
  assert.equal(first(d.meta, '00020010'), '1.2.840.10008.1.2.1');
  const ds = d.dict;
  const [X, Y, Z] = series.volume.shape;
  const slice = new Map(series.slices.map((s, z) => [s.sopInstanceUid, z]));
  const bits = new Uint8Array(first(ds, '7FE00010') as ArrayBuffer);
  const out = new Uint8Array(X * Y * Z);
  const frames = ds['52009230']?.Value as DicomDataset[];
  assert.ok(frames.length >= 1, 'at least one frame');
  assert.equal(frames.length, Number(first(ds, '00280008')));
  frames.forEach((f, k) => {
    const source = item(item(f, '00089124'), '00082112');
    const z = slice.get(first(source, '00081155') as string);
    assert.ok(z !== undefined, 'every frame references a slice of the source');
    const segment = first(item(f, '0062000A'), '0062000B') as number;
    assert.deepEqual(item(f, '00209113')['00200032']?.Value, series.slices[z]!.position);
    for (let i = 0; i < X * Y; i++) {
      const bit = k * X * Y + i;
      if ((bits[bit >> 3]! >> (bit & 7)) & 1) {
        assert.equal(out[z * X * Y + i], 0, 'segments do not overlap');
        out[z * X * Y + i] = segment;
      }
    }
  });
  return out;
}
