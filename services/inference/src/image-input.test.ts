import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataFormatError, ResourceLimitError, ValidationError } from '../../../libs/core/src/index.js';
import { encodePngGray } from '../../../libs/data/src/index.js';
import type { RawImage__Output } from '../../../libs/rpc/src/index.js';
import { decodePngImage, decodeRawImage } from './image-input.js';

const LIMITS = { maxImagePixels: 64, maxVolumeVoxels: 1000, maxInputBytes: 10_000 };

function raw(dtype: string, data: Buffer, height = 1, width = 2): RawImage__Output {
  return { dtype: dtype as RawImage__Output['dtype'], height, width, channels: 1, data };
}

test('raw pixels of every dtype decode little-endian into x-fastest volumes', () => {
  const u16 = Buffer.alloc(4);
  u16.writeUInt16LE(65535, 0);
  u16.writeUInt16LE(2, 2);
  assert.deepEqual([...decodeRawImage(raw('PIXEL_DTYPE_UINT16', u16), 'img', LIMITS, 1).data], [65535, 2]);
  const i16 = Buffer.alloc(4);
  i16.writeInt16LE(-1000, 0);
  i16.writeInt16LE(7, 2);
  assert.deepEqual([...decodeRawImage(raw('PIXEL_DTYPE_INT16', i16), 'img', LIMITS, 1).data], [-1000, 7]);
  const f32 = Buffer.alloc(8);
  f32.writeFloatLE(0.5, 0);
  f32.writeFloatLE(-2, 4);
  const v = decodeRawImage(raw('PIXEL_DTYPE_FLOAT32', f32), 'img', LIMITS, 1);
  assert.deepEqual([...v.data], [0.5, -2]);
  assert.deepEqual(v.shape, [2, 1, 1]);
});

test('bad raw input fails with the field named, size limits with ResourceLimitError', () => {
  const nan = Buffer.alloc(8);
  nan.writeFloatLE(Number.NaN, 4);
  assert.throws(
    () => decodeRawImage(raw('PIXEL_DTYPE_FLOAT32', nan), 'img', LIMITS, 1),
    /img\.data: element 1 is not a finite number/,
  );
  assert.throws(
    () => decodeRawImage(raw('PIXEL_DTYPE_UNSPECIFIED', Buffer.alloc(2)), 'img', LIMITS, 1),
    ValidationError,
  );
  assert.throws(
    () => decodeRawImage(raw('PIXEL_DTYPE_UINT8', Buffer.alloc(3)), 'img', LIMITS, 1),
    /img\.data: expected 2 bytes/,
  );
  assert.throws(
    () => decodeRawImage(raw('PIXEL_DTYPE_UINT8', Buffer.alloc(81), 9, 9), 'img', LIMITS, 1),
    ResourceLimitError,
  );
  assert.throws(
    () => decodeRawImage({ ...raw('PIXEL_DTYPE_UINT8', Buffer.alloc(6)), channels: 3 }, 'img', LIMITS, 1),
    /img\.channels: the model expects 1/,
  );
});

test('PNG input: decoded grey values, corrupt bytes and oversized images refused', () => {
  const png = encodePngGray([0, 10, 20, 30], 2, 2);
  assert.deepEqual([...decodePngImage(png, 'image.png', LIMITS).data], [0, 10, 20, 30]);
  assert.throws(
    () => decodePngImage(Buffer.from('\x89PNG\r\n\x1a\ngarbage'), 'image.png', LIMITS),
    DataFormatError,
  );
  const big = encodePngGray(new Uint8Array(100), 10, 10);
  assert.throws(() => decodePngImage(big, 'image.png', LIMITS), ResourceLimitError);
});
