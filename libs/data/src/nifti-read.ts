/**
 * NIfTI-1/-2 reader (.nii and .nii.gz) built on nifti-reader-js.
 */
import { readFile } from 'node:fs/promises';
import * as nifti from 'nifti-reader-js';
import { DataFormatError, NotFoundError } from '../../core/src/index.js';
import { orientationFromAffine, spacingFromAffine, type Volume } from './volume.js';

/** NIfTI datatype codes this reader decodes, with their byte size. */
const DATATYPES: Record<number, { name: string; bytes: number }> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
};

/** Options of {@link parseNifti} / {@link readNifti}. */
export interface NiftiReadOptions {
  /** Index of the 4th-dimension volume to read (e.g. MRI modality); default 0. */
  channel?: number;
  /** Accept NaN / Inf voxel values instead of failing (default false). */
  allowNonFinite?: boolean;
}

/**
 * Reads a NIfTI file from disk. Throws NotFoundError if the file is missing and
 * DataFormatError (naming the file) if it is not a readable NIfTI volume.
 */
export async function readNifti(path: string, options: NiftiReadOptions = {}): Promise<Volume> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`NIfTI file not found: ${path}`, { cause: err });
    throw new DataFormatError(`cannot read NIfTI file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseNifti(bytes, path, options);
}

/**
 * Decodes NIfTI bytes (gzip-compressed or not) into a {@link Volume}.
 *
 * - Datatypes: uint8, int8, int16, uint16, int32, uint32, float32, float64.
 * - `scl_slope`/`scl_inter` are applied when slope is finite and non-zero.
 * - Affine: sform when `sform_code > 0`, else qform when `qform_code > 0`, else the
 *   pixdim diagonal. Spacing comes from pixdim (falling back to the affine's column norms).
 * - NaN/Inf values, truncated data and unreadable gzip throw DataFormatError naming `name`.
 *
 * @param bytes file contents
 * @param name file name used in error messages
 */
export function parseNifti(bytes: Uint8Array, name: string, options: NiftiReadOptions = {}): Volume {
  let buf = toArrayBuffer(bytes);
  if (nifti.isCompressed(buf)) {
    try {
      buf = nifti.decompress(buf) as ArrayBuffer;
    } catch (err) {
      throw new DataFormatError(`${name}: unreadable gzip data (${(err as Error).message})`, { cause: err });
    }
  }
  if (buf.byteLength < 348 || !nifti.isNIFTI(buf)) {
    throw new DataFormatError(`${name}: not a NIfTI file (bad header or truncated, ${buf.byteLength} bytes)`);
  }
  let header: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    header = nifti.readHeader(buf);
  } catch (err) {
    throw new DataFormatError(`${name}: unreadable NIfTI header (${(err as Error).message})`, { cause: err });
  }
  const dims = header.dims;
  const ndim = dims[0] ?? 0;
  if (ndim < 2 || ndim > 7) throw new DataFormatError(`${name}: unsupported dimension count ${ndim}`);
  const X = dims[1] ?? 0;
  const Y = dims[2] ?? 0;
  const Z = ndim >= 3 ? (dims[3] ?? 1) : 1;
  const T = ndim >= 4 ? Math.max(1, dims[4] ?? 1) : 1;
  if (X < 1 || Y < 1 || Z < 1) throw new DataFormatError(`${name}: invalid dimensions ${X}x${Y}x${Z}`);
  const channel = options.channel ?? 0;
  if (!Number.isInteger(channel) || channel < 0 || channel >= T) {
    throw new DataFormatError(`${name}: channel ${channel} out of range (file has ${T} volume(s))`);
  }
  const dt = DATATYPES[header.datatypeCode];
  if (!dt) {
    throw new DataFormatError(
      `${name}: unsupported NIfTI datatype ${header.datatypeCode} (supported: ${Object.values(DATATYPES)
        .map((d) => d.name)
        .join(', ')})`,
    );
  }
  const n = X * Y * Z;
  const offset = Math.floor(header.vox_offset) + channel * n * dt.bytes;
  const needed = offset + n * dt.bytes;
  if (buf.byteLength < needed) {
    throw new DataFormatError(
      `${name}: truncated NIfTI data (${buf.byteLength} bytes, header needs ${needed})`,
    );
  }
  const view = new DataView(buf, offset, n * dt.bytes);
  const le = header.littleEndian;
  const data = new Float32Array(n);
  const slope = header.scl_slope;
  const inter = Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const scale = Number.isFinite(slope) && slope !== 0;
  const code = header.datatypeCode;
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (code) {
      case 2:
        v = view.getUint8(i);
        break;
      case 4:
        v = view.getInt16(i * 2, le);
        break;
      case 8:
        v = view.getInt32(i * 4, le);
        break;
      case 16:
        v = view.getFloat32(i * 4, le);
        break;
      case 64:
        v = view.getFloat64(i * 8, le);
        break;
      case 256:
        v = view.getInt8(i);
        break;
      case 512:
        v = view.getUint16(i * 2, le);
        break;
      default:
        v = view.getUint32(i * 4, le);
        break;
    }
    data[i] = scale ? v * slope + inter : v;
  }
  if (!options.allowNonFinite) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(data[i] as number)) {
        const x = i % X;
        const y = Math.floor(i / X) % Y;
        const z = Math.floor(i / (X * Y));
        throw new DataFormatError(`${name}: non-finite voxel value (${data[i]}) at (${x}, ${y}, ${z})`);
      }
    }
  }
  const affine = readAffine(header, buf);
  const pix = header.pixDims;
  const fromAffine = spacingFromAffine(affine);
  const sp = (i: 1 | 2 | 3): number => {
    const p = Math.abs(pix[i] ?? 0);
    return Number.isFinite(p) && p > 0 ? p : fromAffine[i - 1] || 1;
  };
  const spacingMm: [number, number, number] = [sp(1), sp(2), ndim >= 3 ? sp(3) : 1];
  return { data, shape: [X, Y, Z], spacingMm, affine, orientation: orientationFromAffine(affine) };
}

function readAffine(header: nifti.NIFTI1 | nifti.NIFTI2, buf: ArrayBuffer): number[][] {
  let a: number[][];
  if (header instanceof nifti.NIFTI1 && header.sform_code > 0) {
    // srow_x/y/z live at bytes 280/296/312 of a NIfTI-1 header.
    const v = new DataView(buf);
    a = [0, 1, 2].map((r) =>
      [0, 1, 2, 3].map((c) => v.getFloat32(280 + 16 * r + 4 * c, header.littleEndian)),
    );
    a.push([0, 0, 0, 1]);
  } else {
    // nifti-reader-js computes the qform affine (or the pixdim diagonal when no transform).
    a = header.affine.map((row) => row.slice(0, 4));
  }
  const ok = a.every((row) => row.every((x) => Number.isFinite(x)));
  if (!ok || spacingFromAffine(a).some((s) => s === 0)) {
    const p = header.pixDims;
    a = [
      [Math.abs(p[1] ?? 1) || 1, 0, 0, 0],
      [0, Math.abs(p[2] ?? 1) || 1, 0, 0],
      [0, 0, Math.abs(p[3] ?? 1) || 1, 0],
      [0, 0, 0, 1],
    ];
  }
  return a;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}
