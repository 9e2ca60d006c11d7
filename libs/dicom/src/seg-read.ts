/**
 * Reads a binary DICOM SEG back into a label mask on the grid of its source series: each
 * frame is placed on the slice its DerivationImageSequence references (by SOPInstanceUID),
 * its bits marking its segment's number. For the CLI, which receives a SEG from the
 * inference service and draws the overlay from it.
 */
import type { DicomDataset } from 'dcmjs';
import { DataFormatError } from '../../core/src/index.js';
import { TAG, text } from './elements.js';
import { parseDicomObject } from './part10.js';
import type { DicomSeries } from './read-series.js';
import { SEG_SOP_CLASS_UID } from './seg-write.js';

const item = (ds: DicomDataset | undefined, tag: string): DicomDataset | undefined =>
  ds?.[tag]?.Value?.[0] as DicomDataset | undefined;

/**
 * The segment number per voxel of `series.volume` (0 where no segment is) of SEG `bytes`.
 * @throws DataFormatError for an object that is no binary SEG of this series' grid.
 */
export function readSegmentationMask(bytes: Uint8Array, series: DicomSeries): Uint8Array {
  const ds = parseDicomObject(bytes, 'the segmentation').dataset;
  const [X, Y, Z] = series.volume.shape;
  if (text(ds, TAG.SOPClassUID) !== SEG_SOP_CLASS_UID || ds['00620001']?.Value?.[0] !== 'BINARY') {
    throw new DataFormatError('the segmentation is not a binary DICOM SEG');
  }
  if (ds[TAG.Rows]?.Value?.[0] !== Y || ds[TAG.Columns]?.Value?.[0] !== X) {
    throw new DataFormatError('the segmentation has another image size than its series');
  }
  const zOf = new Map(series.slices.map((s, z) => [s.sopInstanceUid, z]));
  const bits = new Uint8Array(
    (ds[TAG.PixelData]?.Value?.[0] as ArrayBuffer | undefined) ?? new ArrayBuffer(0),
  );
  const frames = (ds['52009230']?.Value ?? []) as DicomDataset[];
  const mask = new Uint8Array(X * Y * Z);
  const size = X * Y;
  if (bits.length * 8 < frames.length * size)
    throw new DataFormatError('the segmentation has fewer pixels than frames');
  frames.forEach((frame, k) => {
    const source = item(item(frame, '00089124'), '00082112');
    const z = zOf.get(text(source ?? {}, '00081155') ?? '');
    const segment = item(frame, '0062000A')?.['0062000B']?.Value?.[0];
    if (z === undefined || typeof segment !== 'number') {
      throw new DataFormatError(`frame ${k + 1} of the segmentation references no slice of the series`);
    }
    for (let i = 0; i < size; i++) {
      const bit = k * size + i;
      if (((bits[bit >> 3] as number) >> (bit & 7)) & 1) mask[z * size + i] = segment;
    }
  });
  return mask;
}
