/**
 * The stored pixel values of one single-frame grey-scale image as modality values: masked
 * to BitsStored (sign-extended when signed) and mapped through RescaleSlope/Intercept.
 */
import type { DicomDataset } from 'dcmjs';
import { DataFormatError } from '../../core/src/index.js';
import { number, TAG, values } from './elements.js';

/** Rows * Columns modality values of the image in `ds` (row-major, column fastest). */
export function modalityPixels(ds: DicomDataset, label: string): Float32Array {
  const rows = number(ds, TAG.Rows, 'Rows') ?? 0;
  const columns = number(ds, TAG.Columns, 'Columns') ?? 0;
  const samples = number(ds, TAG.SamplesPerPixel, 'SamplesPerPixel', 1);
  const frames = number(ds, TAG.NumberOfFrames, 'NumberOfFrames', 1);
  const allocated = number(ds, TAG.BitsAllocated, 'BitsAllocated') ?? 0;
  const stored = number(ds, TAG.BitsStored, 'BitsStored', allocated) as number;
  const signed = number(ds, TAG.PixelRepresentation, 'PixelRepresentation', 0) === 1;
  const slope = number(ds, TAG.RescaleSlope, 'RescaleSlope', 1) as number;
  const intercept = number(ds, TAG.RescaleIntercept, 'RescaleIntercept', 0) as number;
  if (rows < 1 || columns < 1) throw new DataFormatError(`${label}: Rows or Columns missing`);
  if (samples !== 1)
    throw new DataFormatError(`${label}: colour images (SamplesPerPixel ${samples}) are not supported`);
  if (frames !== 1) {
    throw new DataFormatError(
      `${label}: multi-frame images (NumberOfFrames ${frames}) are not supported yet`,
    );
  }
  if (allocated !== 8 && allocated !== 16 && allocated !== 32) {
    throw new DataFormatError(`${label}: BitsAllocated ${allocated} is not supported (8, 16 or 32)`);
  }
  if (stored < 1 || stored > allocated)
    throw new DataFormatError(`${label}: BitsStored ${stored} is malformed`);
  const fragment = values(ds, TAG.PixelData)?.[0];
  const n = rows * columns;
  const bytes = allocated / 8;
  if (!(fragment instanceof ArrayBuffer) || fragment.byteLength < n * bytes) {
    throw new DataFormatError(`${label}: pixel data missing or truncated (expected ${n * bytes} bytes)`);
  }
  const view = new DataView(fragment, 0, n * bytes);
  const read = [
    (i: number) => view.getUint8(i),
    (i: number) => view.getUint16(2 * i, true),
    (i: number) => view.getUint32(4 * i, true),
  ][bytes === 1 ? 0 : bytes === 2 ? 1 : 2] as (i: number) => number;
  const range = 2 ** stored;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = read(i) % range;
    if (signed && v >= range / 2) v -= range;
    out[i] = v * slope + intercept;
  }
  return out;
}
