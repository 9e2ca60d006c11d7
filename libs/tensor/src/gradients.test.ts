import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { initBackend } from './backend.js';
import { setGradientMode, type GradientMode } from './gradients.js';
import { conv2dSame, depthwiseConv2dSame } from './ops.js';
import {
  analyticGrads,
  finiteDifferenceGrads,
  projection,
  randomTensor,
  relMaxError,
  type Shape4,
} from './testing.js';

interface Case {
  name: string;
  shapes: Shape4[];
  f: (...xs: Tensor4D[]) => Tensor;
  /** FD step; piecewise-linear maxPool needs a step below the gap between window values. */
  eps: number;
}

const cases: Case[] = [];
const sizes: [number, number][] = [
  [5, 6],
  [6, 5],
];
const channels: [number, number][] = [
  [1, 2],
  [3, 4],
];
for (const [s, d] of [
  [1, 1],
  [2, 1],
  [1, 2],
] as const) {
  sizes.forEach(([h, w], si) => {
    for (const [ci, co] of channels) {
      const pad = si === 0 ? 'same' : 'valid';
      if (pad === 'valid' && h < 1 + 2 * d) continue;
      cases.push({
        name: `conv2d ${h}x${w} ${ci}->${co} stride ${s} dilation ${d} ${pad}`,
        shapes: [
          [2, h, w, ci],
          [3, 3, ci, co],
        ],
        f: (x, k) => tf.conv2d(x, k, s, pad, 'NHWC', d),
        eps: 1e-2,
      });
      cases.push({
        name: `depthwiseConv2d ${h}x${w} C${ci} x${co / 2} stride ${s} dilation ${d} ${pad}`,
        shapes: [
          [2, h, w, ci],
          [3, 3, ci, co / 2],
        ],
        f: (x, k) => tf.depthwiseConv2d(x, k, s, pad, 'NHWC', d),
        eps: 1e-2,
      });
    }
  });
}
for (const [h, w] of sizes) {
  for (const ci of [1, 3]) {
    cases.push({
      name: `conv2dSame stride 2 dilation 2 ${h}x${w} C${ci}`,
      shapes: [
        [1, h, w, ci],
        [3, 3, ci, 2],
      ],
      f: (x, k) => conv2dSame(x, k, 2, 2),
      eps: 1e-2,
    });
    cases.push({
      name: `depthwiseConv2dSame stride 2 dilation 2 ${h}x${w} C${ci}`,
      shapes: [
        [1, h, w, ci],
        [3, 3, ci, 1],
      ],
      f: (x, k) => depthwiseConv2dSame(x, k, 2, 2),
      eps: 1e-2,
    });
  }
}
for (const s of [1, 2]) {
  for (const [h, w] of sizes) {
    cases.push({
      name: `conv2dTranspose ${h}x${w} stride ${s} kernel ${s + 1}`,
      shapes: [
        [2, h, w, 3],
        [s + 1, s + 1, 2, 3],
      ],
      f: (x, k) => tf.conv2dTranspose(x, k, [2, h * s, w * s, 2], s, 'same'),
      eps: 1e-2,
    });
  }
}
for (const [f, s, pad] of [
  [2, 2, 'valid'],
  [3, 2, 'same'],
  [3, 1, 'same'],
  [2, 1, 'valid'],
] as const) {
  for (const [h, w] of sizes) {
    for (const c of [1, 3]) {
      cases.push({
        name: `maxPool ${f}x${f} stride ${s} ${pad} ${h}x${w} C${c}`,
        shapes: [[2, h, w, c]],
        f: (x) => tf.maxPool(x, f, s, pad),
        eps: 1e-4,
      });
    }
  }
}

// avgPool: stock AvgPoolGrad where no window touches padding, our composition elsewhere.
for (const [f, st, pad] of [
  [2, 2, 'same'],
  [3, 2, 'same'],
  [3, 1, 'same'],
  [2, 2, 'valid'],
] as const) {
  for (const [h, w] of sizes) {
    cases.push({
      name: `avgPool ${f}x${f} stride ${st} ${pad} ${h}x${w}`,
      shapes: [[2, h, w, 3]],
      f: (x) => tf.avgPool(x, f, st, pad),
      eps: 1e-2,
    });
  }
}

// stridedSlice: no stock gradient at all.
for (const [h, w] of sizes) {
  cases.push({
    name: `stridedSlice stride 2 ${h}x${w}`,
    shapes: [[2, h, w, 3]],
    f: (x) => tf.stridedSlice(x, [0, 1, 0, 0], [2, h, w, 3], [1, 2, 2, 1]),
    eps: 1e-2,
  });
  cases.push({
    name: `stridedSlice reversed rows, end mask ${h}x${w}`,
    shapes: [[1, h, w, 2]],
    f: (x) => tf.stridedSlice(x, [0, h - 1, 1, 0], [1, 0, w, 2], [1, -2, 3, 1], 0, 0b0010),
    eps: 1e-2,
  });
}

// sum and mean: ours spreads dy with a Fill kernel instead of tfjs's uploaded ones.
for (const [name, f] of [
  ['sum over H and W', (x: Tensor4D) => tf.sum(x, [1, 2])],
  ['sum of everything', (x: Tensor4D) => tf.sum(x)],
  ['mean over N and C, kept', (x: Tensor4D) => tf.mean(x, [0, 3], true)],
  ['mean over W', (x: Tensor4D) => tf.mean(x, 2)],
  ['mean over H and W, kept, negative axes', (x: Tensor4D) => tf.mean(x, [-3, -2], true)],
] as const) {
  cases.push({ name, shapes: [[2, 5, 6, 3]], f, eps: 1e-2 });
}

const setups: { backend: 'cpu' | 'wasm'; mode: GradientMode }[] = [
  { backend: 'cpu', mode: 'auto' },
  { backend: 'cpu', mode: 'composed' },
  { backend: 'wasm', mode: 'auto' },
];

test('every registered gradient matches central finite differences and the cpu backend', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  await initBackend({ backend: 'cpu', logger: () => {} });
  const failures: string[] = [];
  let compared = 0;
  cases.forEach((c, ci) => {
    tf.setBackend('cpu');
    setGradientMode('auto');
    const xs = c.shapes.map((s, i) => randomTensor(s, 1000 * ci + i));
    const r = projection(c.f, xs, 1000 * ci + 99);
    const fd = finiteDifferenceGrads(c.f, xs, r, c.eps);
    const ref = analyticGrads(c.f, xs, r);
    tf.dispose(xs);
    for (const { backend, mode } of setups) {
      tf.setBackend(backend);
      setGradientMode(mode);
      const ys = c.shapes.map((s, i) => randomTensor(s, 1000 * ci + i));
      const got = analyticGrads(c.f, ys, r);
      tf.dispose(ys);
      got.forEach((g, k) => {
        const eFd = relMaxError(g, fd[k]!);
        const eCpu = relMaxError(g, ref[k]!);
        compared++;
        if (!(eFd < 2e-3) || !(eCpu < 1e-4)) {
          failures.push(
            `${c.name} input ${k} on ${backend}/${mode}: vs FD ${eFd.toExponential(1)}, vs cpu ${eCpu.toExponential(1)}`,
          );
        }
      });
    }
  });
  setGradientMode('auto');
  tf.setBackend('wasm');
  assert.deepEqual(failures, []);
  assert.ok(compared > 200, `only ${compared} comparisons ran`);
});

test('the stridedSlice gradient refuses shrink/new-axis/ellipsis masks with a clear error', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const x = tf.ones([2, 3, 4]);
  assert.throws(
    () =>
      tf.grad((t: Tensor) => tf.sum(tf.stridedSlice(t, [0, 0, 0], [1, 3, 4], [1, 1, 1], 0, 0, 0, 0, 1)))(x),
    /stridedSlice gradient: ellipsisMask, newAxisMask and shrinkAxisMask are not supported/,
  );
  x.dispose();
});
