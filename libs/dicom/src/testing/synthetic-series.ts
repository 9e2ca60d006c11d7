/**
 * Test support: writes small single-frame MR instances (Part 10, Explicit VR Little Endian
 * or deflate) with dcmjs (deflating the dataset itself), to build series whose geometry and pixels a test knows.
 */
import { deflateRawSync } from 'node:zlib';
import dcmjs, { type DicomDataset, type DicomElement } from 'dcmjs';

/** What one synthetic slice needs. */
export interface SyntheticSlice {
  seriesUid: string;
  sopInstanceUid: string;
  position: [number, number, number];
  orientation: [number, number, number, number, number, number];
  pixelSpacing: [number, number];
  rows: number;
  columns: number;
  /** Stored values (signed 16 bit), row-major. */
  pixels: Int16Array;
  slope?: number;
  intercept?: number;
  sopClassUid?: string;
  transferSyntaxUid?: string;
}

const DEFLATED = '1.2.840.10008.1.2.1.99';

const el = (vr: string, ...value: unknown[]): DicomElement => ({ vr, Value: value });

/** The Part 10 bytes of `s`. */
export function syntheticInstance(s: SyntheticSlice): Uint8Array {
  const sopClassUid = s.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.4';
  const dataset: DicomDataset = {
    '00080005': el('CS', 'ISO_IR 192'),
    '00080016': el('UI', sopClassUid),
    '00080018': el('UI', s.sopInstanceUid),
    '00080060': el('CS', 'MR'),
    '00100010': el('PN', { Alphabetic: 'Secret^Patient' }),
    '00100020': el('LO', 'PID-SECRET-42'),
    '00180050': el('DS', 3),
    '0020000D': el('UI', '2.25.1'),
    '0020000E': el('UI', s.seriesUid),
    '00200032': el('DS', ...s.position),
    '00200037': el('DS', ...s.orientation),
    '00200052': el('UI', '2.25.2'),
    '00280002': el('US', 1),
    '00280004': el('CS', 'MONOCHROME2'),
    '00280010': el('US', s.rows),
    '00280011': el('US', s.columns),
    '00280030': el('DS', ...s.pixelSpacing),
    '00280100': el('US', 16),
    '00280101': el('US', 16),
    '00280102': el('US', 15),
    '00280103': el('US', 1),
    '00281052': el('DS', s.intercept ?? 0),
    '00281053': el('DS', s.slope ?? 1),
    '7FE00010': el('OW', s.pixels.slice().buffer),
  };
  const dict = new dcmjs.data.DicomDict({
    '00020001': el('OB', new Uint8Array([0, 1]).buffer),
    '00020002': el('UI', sopClassUid),
    '00020003': el('UI', s.sopInstanceUid),
    '00020010': el('UI', s.transferSyntaxUid ?? '1.2.840.10008.1.2.1'),
    '00020012': el('UI', '2.25.3'),
  });
  dict.dict = dataset;
  const bytes = new Uint8Array(dict.write());
  if (s.transferSyntaxUid !== DEFLATED) return bytes;
  // dcmjs writes the dataset plain: deflate what follows the file meta group.
  const metaEnd = 144 + new DataView(bytes.buffer).getUint32(140, true);
  const body = deflateRawSync(bytes.subarray(metaEnd));
  const out = new Uint8Array(metaEnd + body.length);
  out.set(bytes.subarray(0, metaEnd));
  out.set(body, metaEnd);
  return out;
}
