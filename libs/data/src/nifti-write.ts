/**
 * Minimal NIfTI-1 writer (single-file .nii / .nii.gz), used for predicted masks.
 */
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'fflate';
import { DataFormatError, ValidationError } from '../../core/src/index.js';
import { voxelCount, type Volume } from './volume.js';

/** Datatypes the writer emits. Masks use 'uint8' (codes 0..255). */
export type NiftiWriteDatatype = 'uint8' | 'int16' | 'float32';

const CODES: Record<NiftiWriteDatatype, { code: number; bytes: number }> = {
  uint8: { code: 2, bytes: 1 },
  int16: { code: 4, bytes: 2 },
  float32: { code: 16, bytes: 4 },
};

/**
 * Encodes a volume as NIfTI-1 bytes: 352-byte header (sform_code = 1 holding the volume's
 * affine, qform_code = 0, units mm), then little-endian voxel data. Integer datatypes
 * round values and throw ValidationError on values out of range.
 *
 * @param gzip compress with gzip (what `.nii.gz` needs)
 */
export function encodeNifti(
  volume: Volume,
  datatype: NiftiWriteDatatype = 'float32',
  gzip = false,
): Uint8Array {
  const dt = CODES[datatype];
  if (!dt) throw new ValidationError(`datatype must be one of ${Object.keys(CODES).join(', ')}`);
  const [X, Y, Z] = volume.shape;
  const n = voxelCount(volume.shape);
  if (volume.data.length !== n) {
    throw new ValidationError(`volume data length ${volume.data.length} != ${X}*${Y}*${Z}`);
  }
  const out = new Uint8Array(352 + n * dt.bytes);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  out[38] = 'r'.charCodeAt(0);
  const dims = [3, X, Y, Z, 1, 1, 1, 1];
  dims.forEach((d, i) => v.setInt16(40 + 2 * i, d, true));
  v.setInt16(70, dt.code, true);
  v.setInt16(72, dt.bytes * 8, true);
  const pix = [1, volume.spacingMm[0], volume.spacingMm[1], volume.spacingMm[2], 1, 0, 0, 0];
  pix.forEach((p, i) => v.setFloat32(76 + 4 * i, p, true));
  v.setFloat32(108, 352, true);
  v.setFloat32(112, 1, true); // scl_slope
  v.setFloat32(116, 0, true); // scl_inter
  out[123] = 2; // xyzt_units: mm
  const desc = 'nasunet';
  for (let i = 0; i < desc.length; i++) out[148 + i] = desc.charCodeAt(i);
  v.setInt16(252, 0, true); // qform_code
  v.setInt16(254, 1, true); // sform_code: scanner anat
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) v.setFloat32(280 + 16 * r + 4 * c, volume.affine[r]?.[c] ?? 0, true);
  }
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  const lim = datatype === 'uint8' ? [0, 255] : datatype === 'int16' ? [-32768, 32767] : null;
  for (let i = 0; i < n; i++) {
    const x = volume.data[i] as number;
    if (lim) {
      const r = Math.round(x);
      if (!(r >= (lim[0] as number) && r <= (lim[1] as number))) {
        throw new ValidationError(`voxel value ${x} at index ${i} does not fit ${datatype}`);
      }
      if (datatype === 'uint8') out[352 + i] = r;
      else v.setInt16(352 + 2 * i, r, true);
    } else {
      v.setFloat32(352 + 4 * i, x, true);
    }
  }
  return gzip ? gzipSync(out) : out;
}

/**
 * Writes a volume to `path` (.nii or .nii.gz, chosen by the extension).
 * @throws ValidationError for another extension; DataFormatError when the write fails.
 */
export async function writeNifti(
  path: string,
  volume: Volume,
  datatype: NiftiWriteDatatype = 'uint8',
): Promise<void> {
  const gz = path.endsWith('.nii.gz');
  if (!gz && !path.endsWith('.nii'))
    throw new ValidationError(`NIfTI output path must end in .nii or .nii.gz: ${path}`);
  try {
    await writeFile(path, encodeNifti(volume, datatype, gz));
  } catch (err) {
    throw new DataFormatError(`cannot write NIfTI file ${path}: ${(err as Error).message}`, { cause: err });
  }
}
