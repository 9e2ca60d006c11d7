/**
 * Parses one DICOM object from bytes with dcmjs: a Part 10 file (128-byte preamble,
 * "DICM", file meta), or a bare dataset without them as some archives store (read, as the
 * standard's default, in Implicit VR Little Endian). Uncompressed little-endian transfer
 * syntaxes, deflate and the encapsulated syntaxes of codecs.ts are accepted (their pixel
 * data is decoded later, `decodePixelData`); other transfer syntaxes are refused by name.
 */
import dcmjs, { type DicomDataset } from 'dcmjs';
import { DataFormatError } from '../../core/src/index.js';
import { CODECS } from './codecs.js';
import { TAG, text } from './elements.js';

dcmjs.log.setLevel('error');

const IMPLICIT_LE = '1.2.840.10008.1.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';

/** Transfer syntaxes read here. */
export const SUPPORTED_TRANSFER_SYNTAXES: Record<string, string> = {
  [IMPLICIT_LE]: 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  [DEFLATED]: 'Deflated Explicit VR Little Endian',
  ...Object.fromEntries(Object.entries(CODECS).map(([uid, codec]) => [uid, codec.name])),
};

/** Names of transfer syntaxes refused, for the message (the first matching prefix). */
const REFUSED: [string, string][] = [
  ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian'],
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended, 12-bit: no decoder'],
  ['1.2.840.10008.1.2.4.5', 'JPEG'],
  ['1.2.840.10008.1.2.4.6', 'JPEG'],
  ['1.2.840.10008.1.2.4.7', 'JPEG Lossless'],
  ['1.2.840.10008.1.2.4.8', 'JPEG-LS'],
  ['1.2.840.10008.1.2.4.9', 'JPEG 2000'],
  ['1.2.840.10008.1.2.4.20', 'High-Throughput JPEG 2000'],
  ['1.2.840.10008.1.2.4.10', 'MPEG/HEVC video'],
];

/** A parsed object: its dataset and the transfer syntax its pixels were stored in. */
export interface ParsedObject {
  dataset: DicomDataset;
  transferSyntaxUid: string;
}

/** 128 zero bytes, "DICM" and a file meta group naming Implicit VR Little Endian, before `bare`. */
function asPart10(bare: Uint8Array): Uint8Array {
  const uid = `${IMPLICIT_LE}\0`; // UI values are padded to even length with NUL
  const meta = new Uint8Array(12 + 8 + uid.length);
  const view = new DataView(meta.buffer);
  meta.set([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00]); // (0002,0000) UL, length 4
  view.setUint32(8, 8 + uid.length, true);
  meta.set([0x02, 0x00, 0x10, 0x00, 0x55, 0x49], 12); // (0002,0010) UI
  view.setUint16(18, uid.length, true);
  meta.set(new TextEncoder().encode(uid), 20);
  const out = new Uint8Array(132 + meta.length + bare.length);
  out.set(new TextEncoder().encode('DICM'), 128);
  out.set(meta, 132);
  out.set(bare, 132 + meta.length);
  return out;
}

/** True when `bytes` start like a bare dataset: an element of group 0008 in Implicit VR LE. */
function looksBare(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x08 && bytes[1] === 0x00 && bytes[3] === 0x00;
}

function isPart10(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && new TextDecoder().decode(bytes.subarray(128, 132)) === 'DICM';
}

/**
 * False when the (7FE0,0010) PixelData element of an uncompressed, non-deflated object ends
 * past the end of `bytes`: dcmjs zero-fills such a cut-off element instead of failing.
 */
function pixelDataFits(bytes: Uint8Array, explicitVr: boolean): boolean {
  const tag = [0xe0, 0x7f, 0x10, 0x00];
  for (let at = bytes.length - 8; at >= 0; at--) {
    if (tag.every((b, i) => bytes[at + i] === b)) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headerLength = explicitVr ? 12 : 8;
      if (at + headerLength > bytes.length) return false;
      const length = view.getUint32(at + headerLength - 4, true);
      return length === 0xffffffff || at + headerLength + length <= bytes.length;
    }
  }
  return true;
}

/**
 * Parses `bytes`; `label` names the object in error messages (a file name, or "instance 3").
 * @throws DataFormatError for bytes that are no DICOM, a truncated object, or a refused transfer syntax.
 */
export function parseDicomObject(bytes: Uint8Array, label: string): ParsedObject {
  let input: Uint8Array;
  if (isPart10(bytes)) input = bytes;
  else if (looksBare(bytes)) input = asPart10(bytes);
  else throw new DataFormatError(`${label}: not a DICOM file (no "DICM" marker after the 128-byte preamble)`);
  let parsed;
  try {
    const copy = input.buffer.slice(input.byteOffset, input.byteOffset + input.byteLength) as ArrayBuffer;
    parsed = dcmjs.data.DicomMessage.readFile(copy);
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'parse error';
    throw new DataFormatError(`${label}: unreadable or truncated DICOM (${reason})`, { cause: err });
  }
  const transferSyntaxUid = text(parsed.meta, TAG.TransferSyntaxUID) ?? IMPLICIT_LE;
  if (SUPPORTED_TRANSFER_SYNTAXES[transferSyntaxUid] === undefined) {
    const name = REFUSED.find(([prefix]) => transferSyntaxUid.startsWith(prefix))?.[1] ?? 'an unknown';
    throw new DataFormatError(
      `${label}: transfer syntax ${transferSyntaxUid} (${name}) is not supported; send it as Explicit VR Little Endian (1.2.840.10008.1.2.1), e.g. ask the PACS to transcode`,
    );
  }
  if (
    transferSyntaxUid !== DEFLATED &&
    CODECS[transferSyntaxUid] === undefined &&
    !pixelDataFits(input, transferSyntaxUid !== IMPLICIT_LE)
  ) {
    throw new DataFormatError(`${label}: truncated DICOM (the pixel data ends past the end of the file)`);
  }
  return { dataset: parsed.dict, transferSyntaxUid };
}
