import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { initBackend } from './backend.js';
import {
  blasConvKernelsRegistered,
  loadBlasConv,
  registerBlasConvKernels,
  unregisterBlasConvKernels,
} from './blas-conv.js';
import { setGradientMode } from './gradients.js';
import { randomTensor, relMaxError, type Shape4 } from './testing.js';

// `npm ci` builds the addon where g++ and libopenblas-dev are installed (CI installs both).
const lib = loadBlasConv();
const skip = process.env['CI'] ? false : lib.ok ? false : lib.reason;

/** Geometries as the nets use them and the awkward ones: stride 2, dilation 2, odd sizes, 1x1. */
const CASES: Array<{
  x: Shape4;
  w: Shape4;
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  dilations: number | [number, number];
}> = [
  { x: [2, 8, 8, 4], w: [3, 3, 4, 5], strides: 1, pad: 'same', dilations: 1 },
  { x: [3, 7, 5, 3], w: [3, 3, 3, 4], strides: 2, pad: 'same', dilations: 1 },
  { x: [2, 9, 9, 2], w: [3, 3, 2, 3], strides: 1, pad: 'same', dilations: 2 },
  { x: [2, 6, 7, 3], w: [2, 3, 3, 2], strides: [2, 1], pad: 'valid', dilations: 1 },
  { x: [2, 5, 5, 6], w: [1, 1, 6, 4], strides: 1, pad: 'valid', dilations: 1 },
  { x: [1, 6, 6, 4], w: [1, 1, 4, 3], strides: 2, pad: 'valid', dilations: 1 },
  { x: [2, 5, 6, 2], w: [3, 3, 2, 2], strides: 1, pad: 1, dilations: [1, 2] },
];

/** conv2d and conv2dTranspose outputs and the gradients of `sum(out * r)` w.r.t. both inputs. */
function convAndGrads(c: (typeof CASES)[number], seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = randomTensor(c.x, seed);
    const w = randomTensor(c.w, seed + 1);
    const conv = (a: Tensor, b: Tensor): Tensor4D =>
      tf.conv2d(a as Tensor4D, b as Tensor4D, c.strides, c.pad, 'NHWC', c.dilations);
    const y = conv(x, w);
    const r = randomTensor(y.shape as Shape4, seed + 2);
    const [dx, dw] = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, w]);
    const t = tf.conv2dTranspose(r, w, x.shape, c.strides, c.pad);
    return [y, dx!, dw!, t].map((v) => v.dataSync() as Float32Array);
  });
}

test(
  'BLAS convolutions on wasm equal the cpu reference, forward, both gradients and transposed',
  { skip },
  async () => {
    assert.ok(lib.ok, `the addon loads: ${lib.ok ? '' : lib.reason}`);
    await initBackend({ backend: 'wasm', logger: () => {} });
    assert.ok(blasConvKernelsRegistered('wasm'), 'initBackend registers the BLAS kernels');
    for (const [i, c] of CASES.entries()) {
      const mine = convAndGrads(c, 10 * i);
      await tf.setBackend('cpu');
      const prev = setGradientMode('auto');
      const ref = convAndGrads(c, 10 * i);
      setGradientMode(prev);
      await tf.setBackend('wasm');
      ['forward', 'input gradient', 'filter gradient', 'transposed'].forEach((what, k) => {
        assert.equal(mine[k]!.length, ref[k]!.length, `${what} size, case ${i}`);
        const err = relMaxError(mine[k]!, ref[k]!);
        assert.ok(err < 1e-5, `${what}, case ${i}: relative error ${err}`);
      });
    }
  },
);

test('BLAS kernels can be taken out and put back; wasm then computes the same values', { skip }, async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const c = CASES[1]!;
  const withBlas = convAndGrads(c, 7);
  unregisterBlasConvKernels();
  try {
    assert.equal(blasConvKernelsRegistered('wasm'), false);
    const without = convAndGrads(c, 7);
    withBlas.forEach((v, k) => assert.ok(relMaxError(v, without[k]!) < 1e-5, `output ${k}`));
  } finally {
    assert.match(registerBlasConvKernels(), /^convolutions: BLAS \(/);
  }
  assert.ok(blasConvKernelsRegistered('wasm'));
});

test('the addon refuses operands that do not match the geometry', { skip }, () => {
  assert.ok(lib.ok);
  const g = Int32Array.from([1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1]);
  const x = new Float32Array(32);
  const w = new Float32Array(54);
  assert.throws(() => lib.addon.conv2d(x, w, new Float32Array(47), g), /operand size does not match/);
  assert.throws(() => lib.addon.conv2d(x, w, new Float32Array(48), g.subarray(1)), /geometry/);
  const zeroStride = g.slice();
  zeroStride[9] = 0;
  assert.throws(() => lib.addon.conv2d(x, w, new Float32Array(48), zeroStride), /geometry/);
  const y = new Float32Array(48);
  lib.addon.conv2d(x.fill(1), w.fill(1), y, g);
  // All ones, 3x3 'same' over 2 channels: 4 taps inside at a corner, 6 on an edge, 9 inside.
  assert.deepEqual([y[0], y[3], y[5 * 3]], [8, 12, 18]);
});
