/**
 * 2D raster readers (PNG via pngjs, TIFF via utif2, GIF via omggif) returning grayscale
 * pixels as a 1-slice {@link Volume} (X = width, Y = height, Z = 1, spacing 1 mm).
 */
import { extname } from 'node:path';
import pngjs from 'pngjs';
import UTIF from 'utif2';
import omggif from 'omggif';
import { DataFormatError, ValidationError } from '../../core/src/index.js';
import { readSourceFile } from './source-file.js';
import { makeVolume, type Volume } from './volume.js';

/** File extensions recognised as 2D images (lower case, with dot). */
export const IMAGE_2D_EXTENSIONS = ['.png', '.tif', '.tiff', '.gif'] as const;

/** True if the path has a 2D image extension this lib reads. */
export function is2DImagePath(path: string): boolean {
  return (IMAGE_2D_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

interface Rgba {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * Reads a PNG/TIFF/GIF file as grayscale: luminance 0.299 R + 0.587 G + 0.114 B
 * (exactly the value for gray images), in 0..255, row-major with x fastest.
 * 16-bit PNGs are reduced to 8 bits by pngjs. Only the first frame/page is read.
 */
export async function readImage2D(path: string): Promise<Volume> {
  return decodeImage2D(await readSourceFile(path, 'image file'), path);
}

/** Decodes image bytes; `name` picks the format by extension and appears in errors. */
export function decodeImage2D(bytes: Uint8Array, name: string): Volume {
  const ext = extname(name).toLowerCase();
  let img: Rgba;
  try {
    if (ext === '.png') img = decodePng(bytes);
    else if (ext === '.tif' || ext === '.tiff') img = decodeTiff(bytes);
    else if (ext === '.gif') img = decodeGif(bytes);
    else
      throw new ValidationError(
        `${name}: unsupported image extension '${ext}' (use ${IMAGE_2D_EXTENSIONS.join(', ')})`,
      );
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new DataFormatError(`${name}: cannot decode image (${(err as Error).message})`, { cause: err });
  }
  const { width, height, rgba } = img;
  if (!(width > 0 && height > 0) || rgba.length < width * height * 4) {
    throw new DataFormatError(`${name}: image has no pixel data (${width}x${height})`);
  }
  const n = width * height;
  const gray = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgba[4 * i] as number;
    const g = rgba[4 * i + 1] as number;
    const b = rgba[4 * i + 2] as number;
    gray[i] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
  }
  return makeVolume(gray, [width, height, 1]);
}

function decodePng(bytes: Uint8Array): Rgba {
  const png = pngjs.PNG.sync.read(Buffer.from(bytes));
  return {
    width: png.width,
    height: png.height,
    rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length),
  };
}

function decodeTiff(bytes: Uint8Array): Rgba {
  const buf = Buffer.from(bytes);
  const ifds = UTIF.decode(buf);
  const first = ifds[0];
  if (!first) throw new Error('no image directory in TIFF');
  UTIF.decodeImage(buf, first);
  return { width: first.width, height: first.height, rgba: UTIF.toRGBA8(first) };
}

function decodeGif(bytes: Uint8Array): Rgba {
  const reader = new omggif.GifReader(bytes);
  const rgba = new Uint8Array(reader.width * reader.height * 4);
  reader.decodeAndBlitFrameRGBA(0, rgba);
  return { width: reader.width, height: reader.height, rgba };
}

/**
 * Encodes a 2D grayscale or label image (values rounded and clamped to 0..255) as PNG.
 * `data` is row-major, x fastest, length width*height.
 */
export function encodePngGray(data: ArrayLike<number>, width: number, height: number): Buffer {
  const png = new pngjs.PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = Math.max(0, Math.min(255, Math.round(data[i] as number)));
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  return pngjs.PNG.sync.write(png);
}
