/**
 * Test support: the label mask a binary SEG holds on the grid of its source series, read
 * element by element with dcmjs (not with libs/dicom's writer): each frame is placed on the
 * slice its DerivationImageSequence references, and its PlanePositionSequence must equal
 * that slice's ImagePositionPatient; segments must not overlap.
 */
import assert from 'node:assert/strict';
import dcmjs, { type DicomDataset } from 'dcmjs';
import type { DicomSeries } from '../read-series.js';

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
