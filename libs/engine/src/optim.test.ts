import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../tensor/src/index.js';
import { AdamW, clipByGlobalNorm, cosineLr } from './optim.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';

await initBackend({ backend: 'cpu' });

test('AdamW first step moves each weight by lr * (sign(g) + wd * p)', () => {
  const p = tf.variable(tf.tensor1d([1, -2]));
  const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.01 });
  opt.step([tf.tensor1d([0.5, -3])]);
  const v = p.dataSync();
  // bias-corrected first step: update = g / |g| (eps negligible)
  assert.ok(Math.abs((v[0] as number) - (1 - 0.1 - 0.1 * 0.01 * 1)) < 1e-5);
  assert.ok(Math.abs((v[1] as number) - (-2 + 0.1 - 0.1 * 0.01 * -2)) < 1e-5);
});

test('optimiser state round-trips and continues identically', () => {
  const run = (restore: boolean): number[] => {
    const p = tf.variable(tf.tensor1d([1, 2, 3]));
    const opt = new AdamW([p], { lr: 0.05 });
    opt.step([tf.tensor1d([1, -1, 0.5])]);
    if (restore) {
      const s = opt.getState();
      const q = tf.variable(tf.tensor(p.dataSync(), [3]));
      const opt2 = new AdamW([q], { lr: 0.05 });
      opt2.setState(s);
      opt2.step([tf.tensor1d([0.2, 0.3, -0.4])]);
      return Array.from(q.dataSync());
    }
    opt.step([tf.tensor1d([0.2, 0.3, -0.4])]);
    return Array.from(p.dataSync());
  };
  assert.deepEqual(run(true), run(false));
});

test('global norm clipping and cosine schedule', () => {
  const { grads, norm } = clipByGlobalNorm([tf.tensor1d([3, 0]), tf.tensor1d([4])], 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  assert.ok(Math.abs((grads[0]?.dataSync()[0] as number) - 0.6) < 1e-5);
  assert.equal(cosineLr(0, 10, 1), 1);
  assert.ok(Math.abs(cosineLr(5, 10, 1) - 0.5) < 1e-12);
  assert.ok(Math.abs(cosineLr(10, 10, 1)) < 1e-12);
});

test('checkpoint container round-trips arrays and metadata', () => {
  const buf = encodeCheckpoint({
    meta: { a: 1 },
    arrays: { x: Float32Array.from([1, 2.5]), y: new Float32Array(0) },
  });
  const c = decodeCheckpoint<{ a: number }>(buf);
  assert.equal(c.meta.a, 1);
  assert.deepEqual(Array.from(c.arrays.x ?? []), [1, 2.5]);
  assert.throws(() => decodeCheckpoint(buf.subarray(0, buf.length - 2), 'f.ckpt'), /f\.ckpt/);
});
