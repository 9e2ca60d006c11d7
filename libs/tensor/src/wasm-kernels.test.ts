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
