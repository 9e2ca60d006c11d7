import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf } from './tf.js';
import { initBackend } from './backend.js';
import { uniformArray } from './seeded-random.js';
import { registerWasmKernels, restoreWasmStockKernels } from './wasm-kernels.js';

test('wasm Identity and same-dtype Cast share the buffer: no new bytes, values kept after the source is gone', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const values = uniformArray(1000, 3);
  const x = tf.tensor1d(values);
  const before = tf.memory().numDataBuffers;
  const c = tf.clone(x);
  const f = tf.cast(x, 'float32');
  assert.equal(c.dataId, x.dataId);
  assert.equal(tf.memory().numDataBuffers, before, 'a copy would add one buffer per tensor');
  x.dispose();
  assert.deepEqual(c.dataSync(), values);
  assert.deepEqual(f.dataSync(), values);
  c.dispose();
  assert.deepEqual(f.dataSync(), values);
  f.dispose();
  assert.equal(tf.memory().numDataBuffers, before - 1, 'the last reference frees the buffer');
});

test('wasm Cast to another dtype still converts, and strings still clone', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const x = tf.tensor1d([1.7, -2.2, 0.4]);
  const i = tf.cast(x, 'int32');
  assert.equal(i.dtype, 'int32');
  assert.deepEqual([...i.dataSync()], [1, -2, 0]);
  const s = tf.clone(tf.tensor1d(['a', 'b'], 'string'));
  assert.deepEqual(s.dataSync(), ['a', 'b']);
  tf.dispose([x, i, s]);
});

test('wasm gradients are bit-identical with the copying and the sharing kernels', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const x = tf.tensor4d(uniformArray(2 * 8 * 8 * 3, 5), [2, 8, 8, 3]);
  const w = tf.variable(tf.tensor4d(uniformArray(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]));
  const g = tf.variable(tf.tensor1d(uniformArray(4, 7)));
  const grads = (): Float32Array[] => {
    const { value, grads: gs } = tf.variableGrads(() => {
      const y = tf.relu(tf.conv2d(x, w as unknown as tf.Tensor4D, 1, 'same'));
      const m = tf.mean(y, [1, 2], true);
      return tf.sum(tf.div(tf.mul(tf.sub(y, m), g), tf.add(tf.square(m), 1))) as tf.Scalar;
    }, [w, g]);
    const out = [value, gs[w.name]!, gs[g.name]!].map((t) => t.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(gs)]);
    return out;
  };
  const shared = grads();
  restoreWasmStockKernels();
  try {
    const copied = grads();
    assert.deepEqual(shared, copied);
  } finally {
    registerWasmKernels();
  }
  tf.dispose([x, w, g]);
});

/** Runs `f` on wasm (our kernels, then wasm's stock ones) and on cpu; returns the three results. */
async function onEveryKernelSet(
  f: () => tf.Tensor[],
): Promise<Array<Array<{ shape: number[]; values: number[] }>>> {
  const read = (ts: tf.Tensor[]): Array<{ shape: number[]; values: number[] }> => {
    const out = ts.map((t) => ({ shape: t.shape, values: [...t.dataSync()] }));
    tf.dispose(ts);
    return out;
  };
  await initBackend({ backend: 'wasm', logger: () => {} });
  const ours = read(f());
  restoreWasmStockKernels();
  let stock;
  try {
    stock = read(f());
  } finally {
    registerWasmKernels();
  }
  await initBackend({ backend: 'cpu', logger: () => {} });
  const cpu = read(f());
  await initBackend({ backend: 'wasm', logger: () => {} });
  return [ours, stock, cpu];
}

test("wasm Slice, SplitV and Concat give the stock kernels' and cpu's results on every axis", async () => {
  const [ours, stock, cpu] = await onEveryKernelSet(() => {
    const x = tf.tensor4d(uniformArray(3 * 7 * 5 * 6, 8), [3, 7, 5, 6]);
    const xi = tf.tensor3d(
      Array.from({ length: 4 * 70 * 3 }, (_, i) => i - 400),
      [4, 70, 3],
      'int32',
    );
    const out: tf.Tensor[] = [
      tf.slice(x, [1, 2, 0, 0], [2, 4, 5, 6]), // whole rows: merged copy
      tf.slice(x, [0, 1, 1, 2], [3, 5, 3, 3]), // short runs on every axis
      tf.slice(x, [0, 0, 0, 5], [3, 7, 5, 1]), // one channel: strided
      tf.slice(xi, [1, 3, 0], [2, 66, 3]), // int32, runs longer than 64
      tf.slice(x, [2, 6, 4, 5], [1, 1, 1, 1]),
      ...tf.split(x, [1, 2, 3], 3),
      ...tf.split(x, [3, 4], 1),
      ...tf.split(xi, 2, 0),
    ];
    for (let axis = 0; axis < 4; axis++) {
      const parts = tf.split(x, [1, x.shape[axis]! - 1], axis);
      out.push(tf.concat([parts[1]!, x, parts[0]!], axis));
      tf.dispose(parts);
    }
    out.push(tf.concat([xi, tf.zeros([4, 0, 3], 'int32'), xi], 1));
    tf.dispose([x, xi]);
    return out;
  });
  assert.deepEqual(ours, stock);
  assert.deepEqual(ours, cpu);
});

test('wasm StridedSlice equals cpu for positive and negative strides and masks, and the stock kernel on float32', async () => {
  const [ours, stock, cpu] = await onEveryKernelSet(() => {
    const x = tf.tensor4d(uniformArray(2 * 9 * 8 * 5, 9), [2, 9, 8, 5]);
    const xi = tf.tensor2d(
      Array.from({ length: 6 * 7 }, (_, i) => i),
      [6, 7],
      'int32',
    );
    const out = [
      tf.stridedSlice(x, [0, 1, 0, 0], [2, 9, 8, 5], [1, 2, 2, 1]), // a stride-2 tap
      tf.stridedSlice(x, [0, 2, 1, 0], [2, 9, 7, 5], [1, 3, 2, 2]),
      tf.stridedSlice(x, [1, 8, 7, 4], [0, 0, 0, 0], [-1, -2, -3, -1]), // reversed
      tf.stridedSlice(x, [0, 3, 0, 0], [0, 5, 0, 0], [1, 1, 1, 1], 0b1101, 0b1101), // masks
      tf.stridedSlice(xi, [1, 0], [6, 7], [2, 3]),
    ];
    tf.dispose([x, xi]);
    return out;
  });
  assert.deepEqual(ours, cpu);
  // wasm's stock StridedSlice returns int32 results reinterpreted as float32 (the last case).
  assert.deepEqual(ours.slice(0, -1), stock.slice(0, -1));
  assert.notDeepEqual(ours.at(-1), stock.at(-1));
});

test("wasm MaxPoolGrad equals cpu's, ties and padding included, and the gradient takes it", async () => {
  // Rounded values make ties inside windows: the first maximum in row-major order takes dy.
  const x4 = (shape: [number, number, number, number], seed: number): Float32Array =>
    uniformArray(
      shape.reduce((a, b) => a * b),
      seed,
    ).map((v) => Math.round(v * 4) / 4);
  const cases: Array<{
    shape: [number, number, number, number];
    f: number;
    s: number;
    pad: 'valid' | 'same';
  }> = [
    { shape: [2, 8, 8, 3], f: 2, s: 2, pad: 'valid' },
    { shape: [1, 9, 7, 5], f: 3, s: 2, pad: 'same' },
    { shape: [2, 7, 9, 2], f: 3, s: 1, pad: 'same' },
    { shape: [1, 5, 6, 4], f: 2, s: 3, pad: 'valid' },
  ];
  const gradOn = async (backend: 'cpu' | 'wasm', c: (typeof cases)[number], i: number) => {
    await initBackend({ backend, logger: () => {} });
    const x = tf.tensor4d(x4(c.shape, 20 + i), c.shape);
    const y = tf.maxPool(x, c.f, c.s, c.pad);
    const dy = tf.tensor4d(uniformArray(y.size, 40 + i), y.shape as [number, number, number, number]);
    const dx = tf
      .engine()
      .runKernel(
        'MaxPoolGrad',
        { dy, input: x, output: y },
        { filterSize: c.f, strides: c.s, pad: c.pad },
      ) as tf.Tensor;
    const viaGrad = tf.grad((t) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.f, c.s, c.pad), dy)))(x);
    const out = [dx.dataSync(), viaGrad.dataSync()] as Float32Array[];
    tf.dispose([x, y, dy, dx, viaGrad]);
    return out;
  };
  for (const [i, c] of cases.entries()) {
    const [mineKernel, mineGrad] = await gradOn('wasm', c, i);
    const [cpuKernel] = await gradOn('cpu', c, i);
    // Same elements take the gradient; overlapping windows may add them in another order.
    const gap = Math.max(...mineKernel!.map((v, k) => Math.abs(v - cpuKernel![k]!)));
    assert.ok(gap <= 1e-6, `${JSON.stringify(c)}: kernel differs from cpu by ${gap}`);
    assert.deepEqual(
      Array.from(mineKernel!, (v) => v !== 0),
      Array.from(cpuKernel!, (v) => v !== 0),
    );
    assert.deepEqual(mineGrad, mineKernel, `${JSON.stringify(c)}: tf.grad`);
  }
  await initBackend({ backend: 'wasm', logger: () => {} });
});
