/**
 * RLE Lossless (PS3.5 Annex G) decoding of one grey-scale frame: a 64-byte header (number
 * of segments, then their offsets), one PackBits segment per byte of a sample, most
 * significant byte first. dcmjs's own decoder handles 8-bit images only.
 */
import { DataFormatError } from '../../core/src/index.js';

/** PackBits-decodes `src` into exactly `out.length` bytes written every `stride` bytes from `start`. */
function unpack(
  src: Uint8Array,
  out: Uint8Array,
  start: number,
  stride: number,
  count: number,
  label: string,
): void {
  let i = 0;
  let o = 0;
  while (o < count) {
    if (i >= src.length) throw new DataFormatError(`${label}: RLE segment ends early`);
    const n = ((src[i++] as number) << 24) >> 24; // signed byte
    if (n >= 0) {
      if (i + n + 1 > src.length || o + n + 1 > count)
        throw new DataFormatError(`${label}: RLE literal run out of bounds`);
      for (let k = 0; k <= n; k++) out[start + stride * o++] = src[i++] as number;
    } else if (n !== -128) {
      if (i >= src.length || o + 1 - n > count)
        throw new DataFormatError(`${label}: RLE repeat run out of bounds`);
      const v = src[i++] as number;
      for (let k = 0; k < 1 - n; k++) out[start + stride * o++] = v;
    }
  }
}

/**
 * The raw little-endian bytes of RLE `frame` holding `pixels` samples of `bytesPerSample` bytes.
 * @throws DataFormatError for a malformed frame.
 */
export function decodeRleFrame(
  frame: ArrayBuffer,
  pixels: number,
  bytesPerSample: number,
  label: string,
): ArrayBuffer {
  const bytes = new Uint8Array(frame);
  if (bytes.length < 64) throw new DataFormatError(`${label}: RLE frame shorter than its header`);
  const view = new DataView(frame);
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) {
    throw new DataFormatError(`${label}: RLE frame has ${segments} segments, expected ${bytesPerSample}`);
  }
  const offsets = Array.from({ length: segments }, (_, s) => view.getUint32(4 + 4 * s, true));
  const out = new Uint8Array(pixels * bytesPerSample);
  offsets.forEach((begin, s) => {
    const end = s + 1 < segments ? (offsets[s + 1] as number) : bytes.length;
    if (begin < 64 || end > bytes.length || end < begin)
      throw new DataFormatError(`${label}: RLE segment offsets malformed`);
    // Segment s holds byte (bytesPerSample - 1 - s) of each little-endian sample.
    unpack(bytes.subarray(begin, end), out, bytesPerSample - 1 - s, bytesPerSample, pixels, label);
  });
  return out.buffer;
}
