import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor4D, type Variable } from './tf.js';
import { initBackend } from './backend.js';
import { conv2dSame, depthwiseConv2dSame, zeroInsertUpsample2x } from './ops.js';
import { uniformArray } from './seeded-random.js';

/** Shapes of the tiny net's weights: conv, depthwise dilated, strided+dilated conv, transposed conv, head. */
const WEIGHTS: Record<string, [number, number, number, number]> = {
  c1: [3, 3, 2, 4],
  dw: [3, 3, 4, 1],
  c2: [3, 3, 4, 6],
  up: [2, 2, 4, 6],
  up2: [3, 3, 4, 4],
  head: [1, 1, 4, 1],
};

function makeWeights(): Record<string, Variable> {
  const out: Record<string, Variable> = {};
  Object.entries(WEIGHTS).forEach(([name, shape], i) => {
    const fanIn = shape[0] * shape[1] * shape[2];
    const n = shape.reduce((a, b) => a * b, 1);
    const init = tf.tensor4d(uniformArray(n, 50 + i, -Math.sqrt(6 / fanIn), Math.sqrt(6 / fanIn)), shape);
    out[name] = tf.variable(init);
    init.dispose();
  });
  return out;
}

/** [2, 16, 16, 2] -> [2, 16, 16, 1] through every layer kind the models use. */
function forward(x: Tensor4D, w: Record<string, Variable>): Tensor4D {
  let h = tf.relu(conv2dSame(x, w['c1'] as unknown as Tensor4D)); // 16x16x4
  h = tf.relu(depthwiseConv2dSame(h, w['dw'] as unknown as Tensor4D, 1, 2)); // dilated depthwise
  h = tf.relu(conv2dSame(h, w['c2'] as unknown as Tensor4D, 2, 2)); // 8x8x6, stride 2 + dilation 2
  h = tf.maxPool(h, 2, 2, 'valid'); // 4x4x6
  h = tf.relu(tf.conv2dTranspose(h, w['up'] as unknown as Tensor4D, [2, 8, 8, 4], 2, 'same')); // 8x8x4
  h = tf.relu(conv2dSame(zeroInsertUpsample2x(h), w['up2'] as unknown as Tensor4D, 1, 2)); // 16x16x4
  return tf.conv2d(h, w['head'] as unknown as Tensor4D, 1, 'same');
}

async function lossCurve(backend: 'cpu' | 'wasm', steps: number): Promise<number[]> {
  await initBackend({ backend, logger: () => {} });
  const x = tf.tensor4d(uniformArray(2 * 16 * 16 * 2, 1), [2, 16, 16, 2]);
  const target = tf.tensor4d(uniformArray(2 * 16 * 16, 2, -0.5, 0.5), [2, 16, 16, 1]);
  const w = makeWeights();
  const opt = tf.train.sgd(0.2);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = opt.minimize(
      () => tf.mean(tf.square(tf.sub(forward(x, w), target))),
      true,
      Object.values(w),
    );
    losses.push((await loss!.data())[0]!);
    loss!.dispose();
  }
  opt.dispose();
  tf.dispose([x, target, ...Object.values(w)]);
  return losses;
}

test('a conv net with depthwise, dilated, strided, transposed and pooled layers trains identically on wasm and cpu', async () => {
  const steps = 20;
  const onCpu = await lossCurve('cpu', steps);
  const onWasm = await lossCurve('wasm', steps);
  onCpu.forEach((l, i) => {
    const rel = Math.abs(onWasm[i]! - l) / Math.abs(l);
    assert.ok(
      rel < 1e-3,
      `step ${i}: cpu ${l}, wasm ${onWasm[i]} (relative difference ${rel.toExponential(2)})`,
    );
  });
  assert.ok(
    onWasm[steps - 1]! < 0.95 * onWasm[0]!,
    `loss did not fall: ${onWasm[0]} -> ${onWasm[steps - 1]}`,
  );
  const n0 = tf.memory().numTensors;
  await lossCurve('wasm', 2);
  assert.equal(tf.memory().numTensors, n0, 'training steps leak tensors');
});
