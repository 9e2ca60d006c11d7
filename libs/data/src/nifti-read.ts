/**
 * NIfTI-1/-2 reader (.nii and .nii.gz) built on nifti-reader-js.
 */
import { promisify } from 'node:util';
import { constants as zlibConstants, gunzip, gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { DataFormatError, ResourceLimitError } from '../../core/src/index.js';
import { readSourceFile } from './source-file.js';
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
  /**
   * Largest volume accepted, in voxels: a header declaring more is refused with
   * `ResourceLimitError` before the voxel data is decompressed [no limit].
   */
  maxVoxels?: number;
}

const gunzipAsync = promisify(gunzip);

/** Bytes of a NIfTI-2 header, the larger of the two; enough to read either. */
const HEADER_BYTES = 540;
/** Largest voxel spacing accepted, mm (a 10 m voxel is a broken header, not a scan). */
const MAX_SPACING_MM = 10_000;

/** The first `n` decompressed bytes of gzip data (fewer if it is shorter), without inflating the rest. */
function gunzipPrefix(buf: Uint8Array, n: number, name: string): ArrayBuffer {
  try {
    // Sync flush accepts the cut-off input; a few KiB of compressed data hold the header.
    const out = gunzipSync(buf.subarray(0, Math.min(buf.length, 64 * 1024)), {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
    });
    return toArrayBuffer(out.subarray(0, n));
  } catch (err) {
    throw new DataFormatError(`${name}: unreadable gzip data (${(err as Error).message})`, { cause: err });
  }
}

/** The DataFormatError of gzip data that failed to inflate within its bound. */
function gunzipError(err: unknown, name: string): DataFormatError {
  if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
    return new DataFormatError(`${name}: the compressed data holds more than the header declares`, {
      cause: err,
    });
  }
  return new DataFormatError(`${name}: unreadable gzip data (${(err as Error).message})`, { cause: err });
}

/** Decompresses gzip data that must inflate to at most `maxBytes`. */
function gunzipBounded(buf: Uint8Array, maxBytes: number, name: string): ArrayBuffer {
  try {
    return toArrayBuffer(gunzipSync(buf, { maxOutputLength: Math.max(1, maxBytes) }));
  } catch (err) {
    throw gunzipError(err, name);
  }
}

/** {@link gunzipBounded} on the libuv thread pool, so several files inflate in parallel. */
async function gunzipBoundedAsync(buf: Uint8Array, maxBytes: number, name: string): Promise<ArrayBuffer> {
  try {
    return toArrayBuffer(await gunzipAsync(buf, { maxOutputLength: Math.max(1, maxBytes) }));
  } catch (err) {
    throw gunzipError(err, name);
  }
}

/**
 * Reads a NIfTI file from disk. Throws NotFoundError if the file is missing and
 * DataFormatError (naming the file) if it is not a readable NIfTI volume.
 */
export async function readNifti(path: string, options: NiftiReadOptions = {}): Promise<Volume> {
  return decodeNifti(await readSourceFile(path, 'NIfTI file'), path, options);
}

/** {@link parseNifti} with the gzip inflation on the thread pool, so several files decode in parallel. */
export async function decodeNifti(
  bytes: Uint8Array,
  name: string,
  options: NiftiReadOptions = {},
): Promise<Volume> {
  const h = checkedHeader(bytes, name, options);
  const buf = h.compressed ? await gunzipBoundedAsync(bytes, h.inflatedBytes, name) : toArrayBuffer(bytes);
  return decodeVoxels(h, buf, name, options);
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
  const h = checkedHeader(bytes, name, options);
  const buf = h.compressed ? gunzipBounded(bytes, h.inflatedBytes, name) : toArrayBuffer(bytes);
  return decodeVoxels(h, buf, name, options);
}

/** A checked header and where its voxels lie. */
interface CheckedHeader {
  compressed: boolean;
  header: nifti.NIFTI1 | nifti.NIFTI2;
  ndim: number;
  X: number;
  Y: number;
  Z: number;
  /** Byte offset of the channel's voxels, and the bytes the data must have. */
  offset: number;
  needed: number;
  /** Bytes the whole (decompressed) file may have: header and every volume. */
  inflatedBytes: number;
}

/** Reads and checks the header, inflating only its first bytes; nothing is decompressed past them. */
function checkedHeader(bytes: Uint8Array, name: string, options: NiftiReadOptions): CheckedHeader {
  const compressed = nifti.isCompressed(toArrayBuffer(bytes.subarray(0, 4)));
  // The header first: sizes are checked before the voxel data is inflated.
  const head = compressed
    ? gunzipPrefix(bytes, HEADER_BYTES, name)
    : toArrayBuffer(bytes.subarray(0, HEADER_BYTES));
  if (head.byteLength < 348 || !nifti.isNIFTI(head)) {
    throw new DataFormatError(
      `${name}: not a NIfTI file (bad header or truncated, ${head.byteLength} bytes)`,
    );
  }
  let header: nifti.NIFTI1 | nifti.NIFTI2;
  try {
    header = nifti.readHeader(head);
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
  if (options.maxVoxels !== undefined && X * Y * Z * T > options.maxVoxels) {
    const shape = [X, Y, Z, ...(T > 1 ? [T] : [])];
    throw new ResourceLimitError(
      `${name}: ${shape.join('x')} = ${X * Y * Z * T} voxels exceeds the limit of ${options.maxVoxels}`,
    );
  }
  const headerSize = header instanceof nifti.NIFTI1 ? 348 : HEADER_BYTES;
  if (!Number.isFinite(header.vox_offset) || header.vox_offset < headerSize) {
    throw new DataFormatError(
      `${name}: invalid vox_offset ${header.vox_offset} (the data cannot start inside the header)`,
    );
  }
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
  // Every volume of a 4D file is read past, so the data may run to all T volumes.
  return {
    compressed,
    header,
    ndim,
    X,
    Y,
    Z,
    offset,
    needed,
    inflatedBytes: Math.floor(header.vox_offset) + T * n * dt.bytes,
  };
}

/** Decodes the voxels of a checked header from the decompressed file `buf`. */
function decodeVoxels(h: CheckedHeader, buf: ArrayBuffer, name: string, options: NiftiReadOptions): Volume {
  const { header, ndim, X, Y, Z, offset, needed } = h;
  const n = X * Y * Z;
  const dt = DATATYPES[header.datatypeCode] as { bytes: number };
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
  if (spacingMm.some((v) => v > MAX_SPACING_MM)) {
    throw new DataFormatError(
      `${name}: voxel spacing ${spacingMm.join(' x ')} mm is not plausible (over ${MAX_SPACING_MM} mm)`,
    );
  }
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
