import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { initBackend } from './backend.js';
import {
  RELU_GRAD,
  blasKernelsRegistered,
  gemmKernel,
  loadBlasAddon,
  registerBlasKernels,
  unregisterBlasKernels,
} from './blas-kernels.js';
import { setGradientMode } from './gradients.js';
import { maxPoolGradInto, useNativeMaxPoolGrad } from './max-pool-grad.js';
import { poolInfo } from './pool-grads.js';
import { uniformArray } from './seeded-random.js';
import { randomTensor, relMaxError, type Shape4 } from './testing.js';

// `npm ci` builds the addon where g++ and libopenblas-dev are installed (CI installs both).
const lib = loadBlasAddon();
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
  // Wide enough for whole register tiles, several 64-column panels and a masked last vector.
  { x: [2, 12, 10, 20], w: [3, 3, 20, 70], strides: 1, pad: 'same', dilations: 1 },
  { x: [3, 16, 8, 1], w: [3, 3, 1, 16], strides: 1, pad: 'same', dilations: 1 },
  // Wide images (>= 32 columns) with >= 8 channels take the direct path where AVX-512 runs.
  { x: [2, 9, 33, 8], w: [3, 3, 8, 12], strides: 1, pad: 'same', dilations: 1 },
  { x: [2, 7, 36, 9], w: [3, 3, 9, 16], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 6, 40, 8], w: [3, 2, 8, 9], strides: 1, pad: 'valid', dilations: 1 },
  { x: [2, 5, 34, 10], w: [3, 3, 10, 8], strides: 1, pad: 'same', dilations: [2, 1] },
];

/** Whether this processor has AVX-512, where the addon must multiply with its own tiles. */
const hasAvx512 = process.arch === 'x64' && / avx512f( |$)/m.test(readFileSync('/proc/cpuinfo', 'utf8'));

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
  'BLAS convolutions on wasm equal the cpu reference, forward, both gradients and transposed, with each matrix product',
  { skip },
  async () => {
    assert.ok(lib.ok, `the addon loads: ${lib.ok ? '' : lib.reason}`);
    await initBackend({ backend: 'wasm', logger: () => {} });
    assert.ok(blasKernelsRegistered('wasm'), 'initBackend registers the BLAS kernels');
    assert.equal(
      gemmKernel(),
      hasAvx512 ? 'avx512' : 'openblas',
      'the addon picks AVX-512 where the processor has it',
    );
    const refs: Float32Array[][] = [];
    await tf.setBackend('cpu');
    const prev = setGradientMode('auto');
    for (const [i, c] of CASES.entries()) refs.push(convAndGrads(c, 10 * i));
    setGradientMode(prev);
    await tf.setBackend('wasm');
    const kernels = hasAvx512 ? (['avx512', 'openblas'] as const) : (['openblas'] as const);
    try {
      for (const kernel of kernels) {
        assert.equal(gemmKernel(kernel), kernel);
        for (const [i, c] of CASES.entries()) {
          const mine = convAndGrads(c, 10 * i);
          ['forward', 'input gradient', 'filter gradient', 'transposed'].forEach((what, k) => {
            assert.equal(mine[k]!.length, refs[i]![k]!.length, `${what} size, case ${i}`);
            const err = relMaxError(mine[k]!, refs[i]![k]!);
            assert.ok(err < 1e-5, `${kernel}: ${what}, case ${i}: relative error ${err}`);
          });
        }
      }
    } finally {
      gemmKernel(hasAvx512 ? 'avx512' : 'openblas');
    }
    if (!hasAvx512) assert.throws(() => gemmKernel('avx512'), /no AVX-512/);
  },
);

test('BLAS kernels can be taken out and put back; wasm then computes the same values', { skip }, async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const c = CASES[1]!;
  const withBlas = convAndGrads(c, 7);
  unregisterBlasKernels();
  try {
    assert.equal(blasKernelsRegistered('wasm'), false);
    const without = convAndGrads(c, 7);
    withBlas.forEach((v, k) => assert.ok(relMaxError(v, without[k]!) < 1e-5, `output ${k}`));
  } finally {
    assert.match(registerBlasKernels(), /^BLAS kernels: OpenBLAS /);
  }
  assert.ok(blasKernelsRegistered('wasm'));
});

test(
  'Sum and Mean on wasm through BLAS equal the cpu reference over innermost, middle and other axes',
  { skip },
  async () => {
    await initBackend({ backend: 'wasm', logger: () => {} });
    const shape: Shape4 = [3, 5, 7, 4];
    // Contiguous blocks of axes (the addon's: innermost, leading, middle), other axes (wasm's
    // own, after a transpose), keepDims, int32; each as a sum and as a mean.
    const cases: Array<{ axis: number | number[] | null; keepDims: boolean; int?: boolean }> = [
      { axis: null, keepDims: false },
      { axis: 3, keepDims: false },
      { axis: [2, 3], keepDims: true },
      { axis: [-1, 1, 2], keepDims: false },
      { axis: 0, keepDims: false },
      { axis: [1, 2], keepDims: true },
      { axis: 2, keepDims: false },
      { axis: [1, 3], keepDims: true },
      { axis: 3, keepDims: false, int: true },
    ];
    const sums = (): Array<{ shape: number[]; values: number[] }> =>
      cases.flatMap((c) =>
        [tf.sum, tf.mean].map((reduce) =>
          tf.tidy(() => {
            const x = randomTensor(shape, 3);
            const y = reduce(c.int ? tf.cast(tf.mul(x, 100), 'int32') : x, c.axis ?? undefined, c.keepDims);
            return { shape: y.shape, values: [...y.dataSync()] };
          }),
        ),
      );
    const mine = sums();
    await tf.setBackend('cpu');
    const ref = sums();
    await tf.setBackend('wasm');
    mine.forEach((m, i) => {
      const what = `${i % 2 ? 'mean' : 'sum'}, axis ${String(cases[Math.floor(i / 2)]!.axis)}`;
      assert.deepEqual(m.shape, ref[i]!.shape, `shape, ${what}`);
      const err = relMaxError(Float32Array.from(m.values), Float32Array.from(ref[i]!.values));
      assert.ok(err < 1e-6, `${what}: relative error ${err}`);
    });
  },
);

test(
  "max-pool gradient: the addon's loop equals the JavaScript one, ties and padding included",
  { skip },
  async () => {
    await initBackend({ backend: 'wasm', logger: () => {} });
    const cases: Array<{ shape: Shape4; f: number; s: number; pad: 'valid' | 'same' }> = [
      { shape: [2, 8, 8, 3], f: 2, s: 2, pad: 'valid' },
      { shape: [1, 9, 7, 5], f: 3, s: 2, pad: 'same' },
      { shape: [2, 7, 9, 2], f: 3, s: 1, pad: 'same' },
      { shape: [1, 5, 6, 4], f: 2, s: 3, pad: 'valid' },
    ];
    for (const [i, c] of cases.entries()) {
      // Values rounded to quarters make ties inside windows.
      const x = uniformArray(
        c.shape.reduce((a, b) => a * b),
        60 + i,
      ).map((v) => Math.round(v * 4) / 4);
      const y = tf.tidy(
        () => tf.maxPool(tf.tensor4d(x, c.shape), c.f, c.s, c.pad).dataSync() as Float32Array,
      );
      const dy = uniformArray(y.length, 80 + i);
      const info = poolInfo(c.shape, { filterSize: c.f, strides: c.s, pad: c.pad });
      // Both loops overwrite dx, not add to it.
      const native = new Float32Array(x.length).fill(3);
      maxPoolGradInto(x, y, dy, native, info);
      useNativeMaxPoolGrad(undefined);
      const js = new Float32Array(x.length).fill(3);
      maxPoolGradInto(x, y, dy, js, info);
      unregisterBlasKernels();
      registerBlasKernels();
      assert.deepEqual(native, js, JSON.stringify(c));
      assert.ok(js.some((v) => v !== 0));
    }
  },
);

test(
  'the ReLU gradient runs as the addon kernel and equals dy where x > 0, zeros included',
  { skip },
  async () => {
    await initBackend({ backend: 'wasm', logger: () => {} });
    const values = uniformArray(2 * 5 * 6 * 3, 5).map((v) => Math.round(v * 4) / 4);
    const dyValues = uniformArray(values.length, 6);
    const x = tf.tensor4d(values, [2, 5, 6, 3]);
    const dy = tf.tensor4d(dyValues, [2, 5, 6, 3]);
    let dx: Float32Array | undefined;
    const profile = await tf.profile(() => {
      dx = tf.tidy(
        () =>
          tf
            .grad((t: Tensor) => tf.sum(tf.mul(tf.relu(t), dy)))(x)
            .dataSync() as Float32Array,
      );
    });
    tf.dispose([x, dy]);
    assert.ok(
      profile.kernels.some((k) => k.name === RELU_GRAD),
      `${RELU_GRAD} ran`,
    );
    assert.deepEqual(
      Array.from(dx!),
      Array.from(values, (v, i) => (v > 0 ? dyValues[i]! : 0)),
    );
    assert.ok(values.some((v) => v === 0) && values.some((v) => v < 0));
  },
);

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
  const rows = new Float32Array(2);
  lib.addon.sumRows(Float32Array.from([1, 2, 3, 4, 5, 6]), rows);
  assert.deepEqual([...rows], [6, 15]);
  lib.addon.sumColumns(Float32Array.from([1, 2, 3, 4, 5, 6]), rows);
  assert.deepEqual([...rows], [9, 12]);
  assert.throws(() => lib.addon.sumRows(new Float32Array(5), rows), /equal lines/);
  assert.throws(() => lib.addon.gemmKernel('mkl' as never), /"avx512" or "openblas", expected/);
  // A 2 x 3 box at offset 1 of a 3 x 4 source into a 2 x 3 destination; then boxes that reach past the end.
  const dst = new Int32Array(6);
  const src = Int32Array.from({ length: 12 }, (_, i) => i);
  lib.addon.copyStrided(src, dst, Int32Array.from([1, 0, 2, 4, 3, 3, 1, 1]));
  assert.deepEqual([...dst], [1, 2, 3, 5, 6, 7]);
  assert.throws(
    () => lib.addon.copyStrided(src, dst, Int32Array.from([2, 0, 3, 4, 3, 3, 1, 1])),
    /past the end/,
  );
  assert.throws(
    () => lib.addon.copyStrided(src, dst, Int32Array.from([1, 0, 2, 4, 3, 4, 1, 1])),
    /past the end/,
  );
  assert.throws(
    () => lib.addon.copyStrided(src, dst, Int32Array.from([0, 0, 0, 4, 3])),
    /sizes must be >= 1/,
  );
  assert.throws(() => lib.addon.copyStrided(src, dst, Int32Array.from([0, 0, 2])), /plan/);
});

test(
  'large slices, splits and concatenations through the native copy equal the JavaScript loop',
  { skip },
  async () => {
    await initBackend({ backend: 'wasm', logger: () => {} });
    // Channel groups of 16 (a cell's concatenation), a crop, and a split on a middle axis; all above NATIVE_MIN.
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const x = randomTensor([4, 24, 20, 48], 11);
        const parts = tf.split(x, [16, 16, 16], 3);
        const halves = tf.split(x, 2, 1);
        return [
          ...parts,
          ...halves,
          tf.concat([parts[2]!, parts[0]!], 3),
          tf.concat(halves.reverse(), 1),
          tf.slice(x, [1, 3, 2, 5], [3, 17, 15, 40]),
        ].map((t) => t.dataSync() as Float32Array);
      });
    const native = run();
    unregisterBlasKernels();
    try {
      const js = run();
      native.forEach((v, i) => assert.deepEqual(v, js[i], `result ${i}`));
    } finally {
      registerBlasKernels();
    }
  },
);

test(
  'OpenBLAS gets its SkylakeX kernels where the processor has AVX-512, unless OPENBLAS_CORETYPE says otherwise',
  { skip },
  () => {
    const config = (coreType: string | undefined): string => {
      const env = { ...process.env };
      delete env['OPENBLAS_CORETYPE'];
      if (coreType !== undefined) env['OPENBLAS_CORETYPE'] = coreType;
      const module = new URL('./blas-kernels.js', import.meta.url).href;
      const script = `import(${JSON.stringify(module)}).then((m) => console.log(m.loadBlasAddon().config))`;
      return execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).trim();
    };
    const flags =
      readFileSync('/proc/cpuinfo', 'utf8')
        .match(/^flags\s*:(.*)$/m)?.[1]
        ?.split(/\s+/) ?? [];
    const avx512 = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) =>
      flags.includes(f),
    );
    assert.equal(/ SkylakeX /.test(config(undefined)), avx512, config(undefined));
    assert.match(config('Haswell'), / Haswell /);
  },
);
