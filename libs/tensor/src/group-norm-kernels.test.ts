import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { initBackend } from './backend.js';
import { groupNorm } from './norm.js';
import {
  STATS,
  alignedHeapOffset,
  groupNormBackward,
  groupNormForward,
  groupNormKernelsRegistered,
  registerGroupNormKernels,
  scalarPasses,
  scratch,
  scratchBytes,
  simdPasses,
  unregisterGroupNormKernels,
  type Passes,
  type Scratch,
} from './group-norm-kernels.js';
import type { WasmMemory } from './group-norm-simd.js';
import { uniformArray } from './seeded-random.js';
import { randomTensor, relMaxError, type Shape4 } from './testing.js';

/** Shapes (odd sizes included) and group counts as the nets use them: one group, or C / 16. */
const CASES: Array<{ shape: Shape4; groups: number }> = [
  { shape: [3, 5, 7, 6], groups: 1 },
  { shape: [2, 9, 3, 16], groups: 1 },
  { shape: [2, 3, 5, 32], groups: 2 },
  { shape: [1, 7, 4, 48], groups: 3 },
  { shape: [4, 1, 1, 16], groups: 1 },
];

/** Output of groupNorm and the gradients of `sum(groupNorm(...)^2 * r)` for every input. */
function run(
  x: Tensor4D,
  groups: number,
  r: Tensor,
  affine?: { gamma: Tensor; beta: Tensor },
): Float32Array[] {
  const inputs = affine ? [x, affine.gamma, affine.beta] : [x];
  const f = (...v: Tensor[]): Tensor => groupNorm(v[0] as Tensor4D, groups, 1e-5, v[1], v[2]);
  const out = tf.tidy(() => [
    f(...inputs),
    ...tf.grads((...v: Tensor[]) => tf.sum(tf.mul(tf.square(f(...v)), r)))(inputs),
  ]);
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return values;
}

test('scratch offsets on the wasm heap are unsigned and 8-byte aligned, also past 2 GiB', () => {
  assert.equal(alignedHeapOffset(1024), 1024);
  assert.equal(alignedHeapOffset(1028), 1032);
  // What _malloc returned on a 2.1 GB heap in a supernet's training step (signed 32 bits).
  assert.equal(alignedHeapOffset(-2144196384), 2150770912);
  assert.equal(alignedHeapOffset(-2144196380), 2150770920);
});

test("wasm: the fused GroupNorm kernels give the composition's values and gradients", async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  assert.ok(groupNormKernelsRegistered('wasm'), 'initBackend registers the kernels');
  const { wasm } = tf.backend() as unknown as { wasm: { asm?: { memory?: WasmMemory } } };
  assert.ok(
    wasm.asm?.memory !== undefined,
    'the wasm module shows its memory (else the passes fall back to JavaScript)',
  );
  let worst = 0;
  try {
    CASES.forEach(({ shape, groups }, seed) => {
      const c = shape[3];
      const x = tf.add(tf.mul(randomTensor(shape, seed + 1), 3), 0.5) as Tensor4D;
      const gamma = tf.add(tf.reshape(randomTensor([1, 1, 1, c], seed + 20), [c]), 1);
      const beta = tf.reshape(randomTensor([1, 1, 1, c], seed + 40), [c]);
      const r = randomTensor(shape, seed + 60);
      for (const affine of [undefined, { gamma, beta }]) {
        const tensorsBefore = tf.memory().numTensors;
        const fused = run(x, groups, r, affine);
        assert.equal(tf.memory().numTensors, tensorsBefore, 'nothing left behind');
        unregisterGroupNormKernels();
        const composed = run(x, groups, r, affine);
        registerGroupNormKernels();
        const names = ['y', 'dx', 'dgamma', 'dbeta'];
        assert.equal(fused.length, composed.length);
        fused.forEach((v, i) => {
          const e = relMaxError(v, composed[i]!);
          worst = Math.max(worst, e);
          assert.ok(
            e < 2e-6,
            `${shape.join('x')}, ${groups} groups, affine ${affine !== undefined}: ${names[i]} relative error ${e}`,
          );
        });
      }
      tf.dispose([x, gamma, beta, r]);
    });
  } finally {
    registerGroupNormKernels();
  }
  assert.ok(worst > 0, 'the comparison ran against the composition, not the fused kernels twice');
});

/** Float32 arrays and scratch on a WebAssembly memory of our own, for the SIMD passes. */
function heap(): {
  passes: Passes;
  f32: (v: Float32Array | number) => Float32Array;
  sc: (c: number) => Scratch;
} {
  const { WebAssembly: wa } = globalThis as unknown as {
    WebAssembly: { Memory: new (d: { initial: number }) => WasmMemory };
  };
  const memory = new wa.Memory({ initial: 64 });
  let top = 64;
  const take = (bytes: number): number => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  return {
    passes: simdPasses(memory),
    f32: (v) => {
      const n = typeof v === 'number' ? v : v.length;
      const a = new Float32Array(memory.buffer, take(4 * n), n);
      if (typeof v !== 'number') a.set(v);
      return a;
    },
    sc: (c) => scratch(c, memory.buffer, take(scratchBytes(c))),
  };
}

test("the SIMD passes give the JavaScript passes' forward and backward results", () => {
  for (const { shape, groups } of CASES.filter((k) => k.shape[3] % 4 === 0)) {
    const [n, , , c] = shape;
    const size = shape.reduce((a, b) => a * b, 1);
    const x = uniformArray(size, 1).map((v) => 3 * v + 0.5);
    const dy = uniformArray(size, 2);
    const gamma = uniformArray(c, 3).map((v) => v + 1);
    const beta = uniformArray(c, 4);
    const results = [false, true].map((simd) => {
      const h = simd ? heap() : undefined;
      const f32 = (v: Float32Array | number): Float32Array =>
        h ? h.f32(v) : typeof v === 'number' ? new Float32Array(v) : v;
      const [passes, sc] = h ? [h.passes, h.sc(c)] : [scalarPasses, scratch(c)];
      const [xs, dys, g, b] = [f32(x), f32(dy), f32(gamma), f32(beta)];
      const [y, stats, dx, dg, db] = [f32(size), f32(n * groups * STATS), f32(size), f32(c), f32(c)];
      groupNormForward(passes, sc, xs, shape, { groups, eps: 1e-5 }, g, b, y, stats);
      groupNormBackward(passes, sc, dys, xs, stats, shape, groups, g, dx, dg, db);
      return [y, stats, dx, dg, db].map((a) => a.slice());
    });
    ['y', 'stats', 'dx', 'dgamma', 'dbeta'].forEach((what, i) => {
      const e = relMaxError(results[1]![i]!, results[0]![i]!);
      assert.ok(e < 1e-6, `${shape.join('x')}, ${groups} groups: ${what} relative error ${e}`);
    });
  }
});

for (const simd of [false, true]) {
  test(`groupNormForward (${simd ? 'SIMD' : 'JavaScript'} passes): exact statistics when the mean is large against the spread`, () => {
    const [n, h, w, c, groups] = [2, 6, 5, 32, 2];
    const x = uniformArray(n * h * w * c, 9).map((v) => 1000 + 0.01 * v);
    const gamma = uniformArray(c, 10);
    const beta = uniformArray(c, 11);
    const mem = simd ? heap() : undefined;
    const y = mem ? mem.f32(x.length) : new Float32Array(x.length);
    const stats = new Float32Array(n * groups * STATS);
    groupNormForward(
      mem ? mem.passes : scalarPasses,
      mem ? mem.sc(c) : scratch(c),
      mem ? mem.f32(x) : x,
      [n, h, w, c],
      { groups, eps: 1e-5 },
      gamma,
      beta,
      y,
      stats,
    );
    // Reference: two passes (mean, then centred squares) per sample and group in float64.
    const cg = c / groups;
    const expected = new Float32Array(x.length);
    for (let b = 0; b < n; b++) {
      for (let g = 0; g < groups; g++) {
        const at: number[] = [];
        for (let p = 0; p < h * w; p++)
          for (let k = g * cg; k < (g + 1) * cg; k++) at.push((b * h * w + p) * c + k);
        const mean = at.reduce((s, i) => s + x[i]!, 0) / at.length;
        const variance = at.reduce((s, i) => s + (x[i]! - mean) ** 2, 0) / at.length;
        const rstd = 1 / Math.sqrt(variance + 1e-5);
        const kept = stats.subarray((b * groups + g) * STATS, (b * groups + g + 1) * STATS);
        assert.ok(
          Math.abs(kept[0]! + kept[1]! - mean) < 1e-9 / rstd,
          `mean ${kept[0]! + kept[1]!} vs ${mean}`,
        );
        assert.ok(Math.abs(kept[2]! - rstd) / rstd < 1e-6, `rstd ${kept[2]} vs ${rstd}`);
        for (const i of at) expected[i] = (x[i]! - mean) * rstd * gamma[i % c]! + beta[i % c]!;
      }
    }
    const e = relMaxError(y, expected);
    assert.ok(e < 1e-5, `relative error ${e} (variance is about 3e-5 of the mean squared)`);
  });
}
