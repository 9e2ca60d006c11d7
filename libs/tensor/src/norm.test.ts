import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { initBackend } from './backend.js';
import { groupNorm } from './norm.js';
import { randomTensor, relMaxError } from './testing.js';

/** The plain composition, differentiated by the tape. */
function composed(x: Tensor4D, groups: number, gamma?: Tensor, beta?: Tensor): Tensor4D {
  const [n, h, w, c] = x.shape;
  const xg = tf.reshape(x, [n, h, w, groups, c / groups]);
  const mean = tf.mean(xg, [1, 2, 4], true);
  const centred = tf.sub(xg, mean);
  const variance = tf.mean(tf.square(centred), [1, 2, 4], true);
  const normed = tf.reshape(tf.mul(centred, tf.rsqrt(tf.add(variance, 1e-5))), [n, h, w, c]) as Tensor4D;
  return gamma === undefined || beta === undefined
    ? normed
    : (tf.add(tf.mul(normed, gamma), beta) as Tensor4D);
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`groupNorm (${backend}): same values as the composition, gradients equal the tape's`, async () => {
    await initBackend({ backend, logger: () => {} });
    for (const [c, groups] of [
      [32, 2],
      [6, 1],
    ] as const) {
      const x = tf.add(tf.mul(randomTensor([2, 5, 4, c], c), 3), 0.5) as Tensor4D;
      const gamma = tf.reshape(tf.add(randomTensor([1, 1, 1, c], 2), 1), [c]);
      const beta = tf.reshape(randomTensor([1, 1, 1, c], 3), [c]);
      const r = randomTensor([2, 5, 4, c], 4);
      for (const affine of [false, true]) {
        const args = (g?: Tensor, b?: Tensor): [Tensor | undefined, Tensor | undefined] =>
          affine ? [g, b] : [undefined, undefined];
        const fast = groupNorm(x, groups, 1e-5, ...args(gamma, beta));
        const slow = composed(x, groups, ...args(gamma, beta));
        if (groups === 1 && backend === 'cpu') {
          assert.deepEqual(fast.dataSync(), slow.dataSync(), 'forward values are bit-identical');
        } else {
          // Several groups: the statistics are summed in another order (average pool, then
          // a mean per group); wasm runs the fused kernels (float64 sums): the values may
          // differ by float32 rounding only.
          const e = relMaxError(fast.dataSync() as Float32Array, slow.dataSync() as Float32Array);
          assert.ok(e < 1e-6, `C=${c}, ${groups} groups: forward relative error ${e}`);
        }
        const inputs = affine ? [x, gamma, beta] : [x];
        const loss =
          (f: typeof composed) =>
          (...v: Tensor[]): Tensor =>
            tf.sum(tf.mul(tf.square(f(v[0] as Tensor4D, groups, v[1], v[2])), r));
        const viaClosedForm = tf.grads(loss((a, gr, g, b) => groupNorm(a, gr, 1e-5, g, b)))(inputs);
        const viaTape = tf.grads(loss(composed))(inputs);
        for (let i = 0; i < inputs.length; i++) {
          const e = relMaxError(
            viaClosedForm[i]!.dataSync() as Float32Array,
            viaTape[i]!.dataSync() as Float32Array,
          );
          assert.ok(
            e < 1e-5,
            `C=${c}, ${groups} groups, affine ${affine}: gradient ${i} relative error ${e}`,
          );
        }
        tf.dispose([fast, slow, ...viaClosedForm, ...viaTape]);
      }
      tf.dispose([x, gamma, beta, r]);
    }
  });
}
