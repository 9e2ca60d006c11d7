import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../tensor/src/index.js';
import { AdamW, cosineLr } from './optim.js';
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

/** Two AdamW steps over two variables; returns the final values of both. */
function twoSteps(g1: number[][], g2: number[][], clipNorm?: number): number[] {
  const a = tf.variable(tf.tensor1d([1, -1]));
  const b = tf.variable(tf.tensor2d([[0.5]]));
  const opt = new AdamW([a, b], { lr: 0.1, weightDecay: 0.01 });
  for (const g of [g1, g2]) {
    opt.step([tf.tensor1d(g[0] as number[]), tf.tensor2d([g[1] as number[]])], {
      ...(clipNorm === undefined ? {} : { clipNorm }),
    });
  }
  return [...a.dataSync(), ...b.dataSync()];
}

test('clipping scales the whole gradient to the global norm, only when it exceeds it', () => {
  // First gradient has norm 5 (scaled to 1 by the clip), the second norm 0.5 (left alone).
  const clipped = twoSteps([[3, 0], [4]], [[0.3, 0], [-0.4]], 1);
  const byHand = twoSteps([[0.6, 0], [0.8]], [[0.3, 0], [-0.4]]);
  const unclipped = twoSteps([[3, 0], [4]], [[0.3, 0], [-0.4]]);
  clipped.forEach((v, i) => assert.ok(Math.abs(v - (byHand[i] as number)) < 1e-6, `value ${i}`));
  assert.ok(Math.abs((clipped[2] as number) - (unclipped[2] as number)) > 1e-3);
});

test('a variable without a gradient keeps its value and moments', () => {
  const a = tf.variable(tf.tensor1d([1, 2]));
  const b = tf.variable(tf.tensor1d([3]));
  const opt = new AdamW([a, b], { lr: 0.1, weightDecay: 0.5 });
  opt.step([tf.tensor1d([1, 1]), null]);
  opt.step([tf.tensor1d([1, 1]), tf.tensor1d([2])]);
  // b saw its first gradient at t = 2: m = 0.1 * 2, v = 0.001 * 4, bias-corrected by t = 2.
  const m = (0.1 * 2) / (1 - 0.9 ** 2);
  const v = (0.001 * 4) / (1 - 0.999 ** 2);
  const expected = 3 * (1 - 0.1 * 0.5) - (0.1 * m) / (Math.sqrt(v) + 1e-8);
  assert.ok(Math.abs((b.dataSync()[0] as number) - expected) < 1e-5);
  const s = opt.getState();
  assert.equal(s.m.length, 2);
  assert.equal(s.m[0]?.length, 2);
  opt.dispose();
});

test('cosine schedule', () => {
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

test('host and device updates agree, missing gradients and clipping included', () => {
  const run = (placement: 'host' | 'device'): number[] => {
    const a = tf.variable(
      tf.tensor2d([
        [1, -2],
        [0.5, 3],
      ]),
    );
    const b = tf.variable(tf.tensor1d([0.25, -0.75, 2]));
    const opt = new AdamW([a, b], { lr: 0.05, weightDecay: 0.01 }, placement);
    const g = [
      [
        tf.tensor2d([
          [4, -3],
          [2, 1],
        ]),
        tf.tensor1d([1, 2, -2]),
      ],
      [
        tf.tensor2d([
          [0.1, 0.2],
          [-0.3, 0.1],
        ]),
        null,
      ],
      [
        tf.tensor2d([
          [-1, 1],
          [1, -1],
        ]),
        tf.tensor1d([0.5, -0.5, 0.25]),
      ],
    ];
    for (const grads of g) opt.step(grads, { clipNorm: 2 });
    const state = opt.getState();
    opt.dispose();
    return [...a.dataSync(), ...b.dataSync(), ...(state.m[1] ?? []), ...(state.v[0] ?? [])];
  };
  const host = run('host');
  const device = run('device');
  host.forEach((v, i) =>
    assert.ok(Math.abs(v - (device[i] as number)) < 1e-6, `value ${i}: ${v} vs ${device[i]}`),
  );
});
