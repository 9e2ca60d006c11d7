/**
 * Decoding and validation of 2D inputs (raw pixels with dtype and shape, or PNG) and of
 * volume inputs (NIfTI bytes or raw slices) into volumes. Every violation names the field:
 * INVALID_ARGUMENT for malformed input, RESOURCE_EXHAUSTED over the size limits.
 */
import { ResourceLimitError, ValidationError } from '../../../libs/core/src/index.js';
import { decodeImage2D, makeVolume, parseNifti, type Volume } from '../../../libs/data/src/index.js';
import type { RawImage__Output } from '../../../libs/rpc/src/index.js';

const BYTES_PER_ELEMENT: Record<string, number> = {
  PIXEL_DTYPE_UINT8: 1,
  PIXEL_DTYPE_UINT16: 2,
  PIXEL_DTYPE_INT16: 2,
  PIXEL_DTYPE_FLOAT32: 4,
};

/** Size limits of inputs. */
export interface InputLimits {
  maxImagePixels: number;
  maxVolumeVoxels: number;
  maxInputBytes: number;
}

function decodeElements(field: string, dtype: string, data: Buffer, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'PIXEL_DTYPE_UINT8':
        out[i] = data[i] as number;
        break;
      case 'PIXEL_DTYPE_UINT16':
        out[i] = data.readUInt16LE(2 * i);
        break;
      case 'PIXEL_DTYPE_INT16':
        out[i] = data.readInt16LE(2 * i);
        break;
      default: {
        const v = data.readFloatLE(4 * i);
        if (!Number.isFinite(v))
          throw new ValidationError(`${field}.data: element ${i} is not a finite number`);
        out[i] = v;
      }
    }
  }
  return out;
}

/**
 * Raw pixels -> a 2D volume `[width, height, 1]`. `expectedChannels` is the model's input
 * channel count.
 */
export function decodeRawImage(
  raw: RawImage__Output,
  field: string,
  limits: InputLimits,
  expectedChannels: number,
): Volume {
  const dtype = String(raw.dtype);
  const bpe = BYTES_PER_ELEMENT[dtype];
  if (!bpe)
    throw new ValidationError(
      `${field}.dtype: must be one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}, got ${dtype}`,
    );
  const { height, width, channels } = raw;
  if (!(height >= 1) || !(width >= 1))
    throw new ValidationError(`${field}: height and width must be >= 1, got ${height}x${width}`);
  if (!(channels >= 1 && channels <= 4))
    throw new ValidationError(`${field}.channels: must be within 1..4, got ${channels}`);
  if (height * width > limits.maxImagePixels) {
    throw new ResourceLimitError(
      `${field}: ${height}x${width} = ${height * width} pixels exceeds the limit of ${limits.maxImagePixels}`,
    );
  }
  if (channels !== expectedChannels) {
    throw new ValidationError(
      `${field}.channels: the model expects ${expectedChannels} channel(s), got ${channels}`,
    );
  }
  const n = height * width * channels;
  if (raw.data.length !== n * bpe) {
    throw new ValidationError(
      `${field}.data: expected ${n * bpe} bytes for ${height}x${width}x${channels} ${dtype}, got ${raw.data.length}`,
    );
  }
  return makeVolume(decodeElements(field, dtype, raw.data, n), [width, height, 1]);
}

/** PNG bytes -> a 2D volume (grey; colour is converted to luminance). */
export function decodePngImage(png: Buffer, field: string, limits: InputLimits): Volume {
  if (png.length === 0) throw new ValidationError(`${field}: is empty`);
  if (png.length > limits.maxInputBytes)
    throw new ResourceLimitError(
      `${field}: ${png.length} bytes exceeds the limit of ${limits.maxInputBytes}`,
    );
  // Check the declared size (IHDR) before decoding, so a huge image is refused cheaply.
  if (png.length >= 24 && png.toString('ascii', 12, 16) === 'IHDR') {
    const w = png.readUInt32BE(16);
    const h = png.readUInt32BE(20);
    if (w * h > limits.maxImagePixels) {
      throw new ResourceLimitError(
        `${field}: ${h}x${w} = ${w * h} pixels exceeds the limit of ${limits.maxImagePixels}`,
      );
    }
  }
  return decodeImage2D(png, `${field}.png`);
}

/** NIfTI bytes (.nii or .nii.gz) -> a volume, within the voxel limit. */
export function decodeNiftiVolume(bytes: Uint8Array, field: string, limits: InputLimits): Volume {
  if (bytes.length === 0) throw new ValidationError(`${field}: no NIfTI bytes were sent`);
  // Sizes are checked from the header, before the voxel data is inflated.
  return parseNifti(bytes, field, { maxVoxels: limits.maxVolumeVoxels });
}

/** Raw slices (same dtype and shape each) stacked along z into a volume. */
export function stackSlices(
  slices: Volume[],
  field: string,
  limits: InputLimits,
  spacingMm: [number, number, number],
): Volume {
  if (slices.length === 0) throw new ValidationError(`${field}: no slices were sent`);
  const [w, h] = slices[0]!.shape;
  const voxels = w * h * slices.length;
  if (voxels > limits.maxVolumeVoxels)
    throw new ResourceLimitError(`${field}: ${voxels} voxels exceeds the limit of ${limits.maxVolumeVoxels}`);
  const data = new Float32Array(voxels);
  slices.forEach((s, z) => {
    if (s.shape[0] !== w || s.shape[1] !== h) {
      throw new ValidationError(
        `${field}[${z}]: is ${s.shape[1]}x${s.shape[0]}, the first slice is ${h}x${w}`,
      );
    }
    data.set(s.data, z * w * h);
  });
  return makeVolume(data, [w, h, slices.length], spacingMm);
}
