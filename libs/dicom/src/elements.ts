/**
 * Typed reads of elements of a dataset in dcmjs's DICOM JSON model, and the tags this lib
 * reads. A value that is present but malformed is a DataFormatError naming the attribute
 * (never its value, which may identify the patient).
 */
import type { DicomDataset } from 'dcmjs';
import { DataFormatError } from '../../core/src/index.js';

/** Tags (group and element as 8 hex digits) read from source instances. */
export const TAG = {
  TransferSyntaxUID: '00020010',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  Modality: '00080060',
  SliceThickness: '00180050',
  SpacingBetweenSlices: '00180088',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  FrameOfReferenceUID: '00200052',
  SamplesPerPixel: '00280002',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  PixelSpacing: '00280030',
  BitsAllocated: '00280100',
  BitsStored: '00280101',
  PixelRepresentation: '00280103',
  RescaleIntercept: '00281052',
  RescaleSlope: '00281053',
  PixelData: '7FE00010',
} as const;

/** The values of an element, or undefined when it is absent or holds only empty values. */
export function values(ds: DicomDataset, tag: string): unknown[] | undefined {
  const v = ds[tag]?.Value;
  return v === undefined || v.every((x) => x === null || x === '') ? undefined : v;
}

/** The first value of a string element, or undefined. */
export function text(ds: DicomDataset, tag: string): string | undefined {
  const v = values(ds, tag)?.[0];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The numeric values of an element (exactly `count` of them when given), or undefined when absent. */
export function numbers(ds: DicomDataset, tag: string, name: string, count?: number): number[] | undefined {
  const v = values(ds, tag);
  if (v === undefined) return undefined;
  const n = v.map((x) => (typeof x === 'string' ? Number(x) : x));
  if (
    !n.every((x): x is number => typeof x === 'number' && Number.isFinite(x)) ||
    (count !== undefined && n.length !== count)
  ) {
    throw new DataFormatError(`${name} is malformed: expected ${count ?? 'numeric'} finite number(s)`);
  }
  return n;
}

/** The single numeric value of an element, `fallback` when absent. */
export function number(ds: DicomDataset, tag: string, name: string, fallback?: number): number | undefined {
  return numbers(ds, tag, name, 1)?.[0] ?? fallback;
}
