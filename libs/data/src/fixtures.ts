/**
 * Helpers that build small test inputs in code (never copies of real data): raw NIfTI-1
 * headers written byte by byte, temp folders, and the location of the shared test data.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the shared MSD hippocampus data (`../shared/data/msd-hippocampus` from the repo root), or undefined if absent. */
export function hippocampusDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/libs/data/src -> repo root is four levels up.
  const base = process.env['NASUNET_DATA_DIR'] ?? resolve(here, '../../../../../shared/data');
  const dir = join(base, 'msd-hippocampus');
  return existsSync(join(dir, 'images')) ? dir : undefined;
}

/** A fresh temp directory. */
export function tempDir(prefix = 'nasunet-data-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Raw NIfTI-1 fixture parameters. */
export interface RawNifti {
  dims: number[]; // [X, Y, Z] (or more)
  datatype: 2 | 4 | 8 | 16 | 64 | 512;
  values: number[];
  pixdim?: [number, number, number];
  slope?: number;
  inter?: number;
  sform?: number[][]; // 3x4 rows
  qform?: { b: number; c: number; d: number; x: number; y: number; z: number; qfac?: number };
  bigEndian?: boolean;
}

/** Writes a NIfTI-1 byte stream by hand from the header layout of the standard. */
export function rawNifti(p: RawNifti): Uint8Array {
  const bytesPer = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 512: 2 }[p.datatype];
  const le = !p.bigEndian;
  const out = new Uint8Array(352 + p.values.length * bytesPer);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, le);
  const dims = [p.dims.length, ...p.dims];
  while (dims.length < 8) dims.push(1);
  dims.forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(70, p.datatype, le);
  v.setInt16(72, bytesPer * 8, le);
  const pd = p.pixdim ?? [1, 1, 1];
  [p.qform?.qfac ?? 1, pd[0], pd[1], pd[2], 1, 0, 0, 0].forEach((x, i) => v.setFloat32(76 + 4 * i, x, le));
  v.setFloat32(108, 352, le);
  v.setFloat32(112, p.slope ?? 0, le);
  v.setFloat32(116, p.inter ?? 0, le);
  out[123] = 2;
  if (p.qform) {
    v.setInt16(252, 1, le);
    [p.qform.b, p.qform.c, p.qform.d, p.qform.x, p.qform.y, p.qform.z].forEach((x, i) =>
      v.setFloat32(256 + 4 * i, x, le),
    );
  }
  if (p.sform) {
    v.setInt16(254, 2, le);
    p.sform.forEach((row, r) => row.forEach((x, c) => v.setFloat32(280 + 16 * r + 4 * c, x, le)));
  }
  out.set([0x6e, 0x2b, 0x31, 0], 344);
  p.values.forEach((x, i) => {
    const o = 352 + i * bytesPer;
    switch (p.datatype) {
      case 2:
        v.setUint8(o, x);
        break;
      case 4:
        v.setInt16(o, x, le);
        break;
      case 8:
        v.setInt32(o, x, le);
        break;
      case 16:
        v.setFloat32(o, x, le);
        break;
      case 64:
        v.setFloat64(o, x, le);
        break;
      case 512:
        v.setUint16(o, x, le);
        break;
    }
  });
  return out;
}
