/**
 * multipart/related bodies of DICOMweb (PS3.18 8.6): WADO-RS answers a series as one
 * part per instance, STOW-RS takes instances the same way.
 */
import { randomBytes } from 'node:crypto';
import { DataFormatError, ResourceLimitError } from '../../core/src/index.js';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  if (!/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/**
 * The parts' bodies of a multipart `body` delimited by `boundary`.
 * @throws DataFormatError when the body is not well formed; ResourceLimitError for more than `maxParts` parts.
 */
export function splitMultipart(body: Uint8Array, boundary: string, maxParts: number): Uint8Array[] {
  const data = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Uint8Array[] = [];
  let at = data.indexOf(delimiter);
  if (at < 0) throw new DataFormatError('the multipart answer holds no part boundary');
  for (;;) {
    const after = at + delimiter.length;
    if (data[after] === 0x2d && data[after + 1] === 0x2d) return parts; // closing "--"
    const headerEnd = data.indexOf(HEADER_END, after);
    if (headerEnd < 0) throw new DataFormatError('a part of the multipart answer has no header end');
    const next = data.indexOf(Buffer.concat([CRLF, delimiter]), headerEnd + 4);
    if (next < 0) throw new DataFormatError('the multipart answer is cut off (no closing boundary)');
    if (parts.length === maxParts) {
      throw new ResourceLimitError(`the series has more than ${maxParts} instances (the configured limit)`);
    }
    parts.push(data.subarray(headerEnd + 4, next));
    at = next + 2;
  }
}

/** A multipart/related body of DICOM instances and its Content-Type, for STOW-RS. */
export function joinMultipart(instances: readonly Uint8Array[]): { body: Buffer; contentType: string } {
  const boundary = `nasunet-${randomBytes(16).toString('hex')}`;
  const pieces: Buffer[] = [];
  for (const bytes of instances) {
    pieces.push(
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      Buffer.from(bytes),
      CRLF,
    );
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(pieces),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}
