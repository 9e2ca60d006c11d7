/**
 * Indexed-colour (palette) PNG encoder: 8-bit indices plus a colour table, so a label map
 * keeps its exact values as palette indices and still shows in colour in any viewer.
 * (pngjs writes grey and RGB(A) PNGs only.)
 */
import { deflateSync } from 'node:zlib';
import { ValidationError } from '../../core/src/index.js';

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/**
 * Encodes `indices` (row-major, x fastest, `width * height` integers, each a position in
 * `palette`) as an 8-bit palette PNG.
 * @throws ValidationError for a palette of 0 or over 256 colours, a size mismatch, or an
 *   index outside the palette.
 */
export function encodePngPalette(
  indices: ArrayLike<number>,
  width: number,
  height: number,
  palette: readonly Rgb[],
): Buffer {
  if (palette.length < 1 || palette.length > 256)
    throw new ValidationError(`a PNG palette holds 1..256 colours, got ${palette.length}`);
  palette.forEach((c, i) => {
    if (!c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255))
      throw new ValidationError(`palette colour ${i} must be three integers 0..255, got ${c.join(',')}`);
  });
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new ValidationError(`PNG size must be positive integers, got ${width}x${height}`);
  if (indices.length !== width * height)
    throw new ValidationError(`${indices.length} pixels given for a ${width}x${height} PNG`);
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = indices[y * width + x] as number;
      if (!Number.isInteger(v) || v < 0 || v >= palette.length)
        throw new ValidationError(
          `pixel ${y * width + x}: index ${v} is not in the ${palette.length}-colour palette`,
        );
      rows[y * (width + 1) + 1 + x] = v; // each row starts with filter type 0 (none)
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8-bit depth, colour type 3 (palette), deflate, no filter, no interlace
  const plte = Buffer.from(palette.flatMap((c) => [c[0], c[1], c[2]]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
