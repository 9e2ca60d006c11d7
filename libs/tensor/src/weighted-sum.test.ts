import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor } from './tf.js';
import { initBackend } from './backend.js';
import { loadBlasAddon } from './blas-kernels.js';
import { WEIGHTED_SUM, WEIGHTED_SUM_GRAD, weightedSum } from './weighted-sum.js';
import { randomTensor, relMaxError } from './testing.js';

const lib = loadBlasAddon();
const skip = process.env['CI'] ? false : lib.ok ? false : lib.reason;

/** The sum of 5 terms and its gradients w.r.t. every term and the weights, for a projection r. */
function sumAndGrads(): Float32Array[] {
  const terms = [0, 1, 2, 3, 4].map((k) => randomTensor([2, 6, 5, 3], 10 + k));
  const w = tf.softmax(tf.tensor1d([0.3, -1.2, 0.8, 0.1, -0.4]));
  const r = randomTensor([2, 6, 5, 3], 99);
  const f = (...xs: Tensor[]): Tensor => tf.sum(tf.mul(weightedSum(xs.slice(0, 5), xs[5]!), r));
  const value = weightedSum(terms, w);
  const grads = tf.grads(f)([...terms, w]);
  const values = [value, ...grads].map((t) => t.dataSync() as Float32Array);
  tf.dispose([...terms, w, r, value, ...grads]);
  return values;
}

test(
  'weightedSum runs as one kernel each way on wasm and equals the composition on cpu',
  { skip },
  async () => {
    await initBackend({ backend: 'cpu', logger: () => {} });
    const ref = sumAndGrads();
    await initBackend({ backend: 'wasm', logger: () => {} });
    let mine: Float32Array[] = [];
    const profile = await tf.profile(() => {
      mine = sumAndGrads();
    });
    const names = new Set(profile.kernels.map((k) => k.name));
    assert.ok(names.has(WEIGHTED_SUM) && names.has(WEIGHTED_SUM_GRAD), 'the fused kernels ran');
    assert.equal(mine.length, 7);
    mine.forEach((v, k) => {
      const err = relMaxError(v, ref[k]!);
      assert.ok(err < 1e-5, `output ${k} (0: sum, 1-5: terms, 6: weights): relative error ${err}`);
    });
  },
);

test('weightedSum refuses terms and weights that do not match', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const a = tf.zeros([2, 3]);
  const b = tf.zeros([3, 2]);
  assert.throws(() => weightedSum([a, a], tf.ones([3])), /2 term\(s\) need weights of shape \[2\]/);
  assert.throws(() => weightedSum([], tf.ones([0])), /0 term\(s\)/);
  assert.throws(() => weightedSum([a, b], tf.ones([2])), /terms differ in shape/);
  tf.dispose([a, b]);
});
