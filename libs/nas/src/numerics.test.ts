/**
 * Guards the numerics of every op against restructuring: logits and weight gradients of
 * the derived V2 and V3 nets and of the supernet (all 17 ops) at the tiny preset, reduced
 * to projections on seeded random vectors and compared with values recorded on wasm
 * before the ops were reorganised for fewer kernels (zero-copy Identity/Cast, the
 * zero-insertion gradient, stride = dilation convs). A change of any op's function moves
 * these far beyond the tolerance, which only allows for float32 summation order: relative
 * 1e-5 of the value, except for the two projections on random vectors of both signs (of
 * the logits and of the gradients). Their values are hundreds of times smaller than their
 * terms (V2's logit projection: 0.92 from terms whose magnitudes add to 596), so float32
 * rounding of the terms alone moves them by about 1e-5 of their value between backends
 * and kernel sets (cpu 0.9200761, wasm 0.9200724, wasm with the BLAS means 0.9200802);
 * their error is taken relative to the sum of their terms' magnitudes, with tolerance 1e-6.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, uniformArray, type Tensor4D } from '../../tensor/src/index.js';
import { FixedNetwork } from './fixed-network.js';
import { SearchNetwork } from './search-network.js';
import { referenceGenotype } from './reference-genotypes.js';
import type { NamedWeightsNet } from './contracts.js';

const TINY = { inChannels: 1, nClasses: 2, channels: 4, depth: 2, nodes: 3 };

/** Recorded: sum(logits * r), sum(logits^2 * r), sum_v sum(grad_v * r_v) and sum of squared gradients. */
const RECORDED: Record<string, { logits: number; loss: number; grads: number; gradSq: number }> = {
  v2: {
    logits: 0.9200698924033892,
    loss: 38.26325607299805,
    grads: -345.9378688131634,
    gradSq: 3449090.455256515,
  },
  v3: {
    logits: 14.75011453283257,
    loss: -131.02076721191406,
    grads: 169.39319272573653,
    gradSq: 5302568.660443355,
  },
  supernet: {
    logits: -4.838976251607213,
    loss: 46.866050720214844,
    grads: 183.31108277465248,
    gradSq: 45639.57790566636,
  },
};

interface Fingerprint {
  logits: number;
  loss: number;
  grads: number;
  gradSq: number;
  /** sum |logits * r|: the scale of `logits`. */
  logitsScale: number;
  /** sum_v sum |grad_v * r_v|: the scale of `grads`. */
  gradsScale: number;
}

function fingerprint(net: NamedWeightsNet): Fingerprint {
  const x = tf.tensor4d(uniformArray(2 * 16 * 16, 11), [2, 16, 16, 1]) as Tensor4D;
  const logits = net.apply(x, true);
  const lp = logits.dataSync();
  const r = uniformArray(lp.length, 99);
  let proj = 0;
  let pscale = 0;
  for (let i = 0; i < lp.length; i++) {
    proj += lp[i]! * r[i]!;
    pscale += Math.abs(lp[i]! * r[i]!);
  }
  const rt = tf.tensor(r, logits.shape);
  const vars = net.weightParams();
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(net.apply(x, true)), rt)), vars);
  let gproj = 0;
  let gsq = 0;
  let gscale = 0;
  vars.forEach((v, k) => {
    const g = grads[v.name]!.dataSync();
    const rv = uniformArray(g.length, 100 + k);
    for (let i = 0; i < g.length; i++) {
      gproj += g[i]! * rv[i]!;
      gscale += Math.abs(g[i]! * rv[i]!);
      gsq += g[i]! * g[i]!;
    }
  });
  const loss = value.dataSync()[0]!;
  tf.dispose([x, logits, rt, value, ...Object.values(grads)]);
  return { logits: proj, loss, grads: gproj, gradSq: gsq, logitsScale: pscale, gradsScale: gscale };
}

test('logits and gradients of the derived nets and the supernet equal the recorded values', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  const nets: Record<string, NamedWeightsNet> = {
    v2: FixedNetwork.fromGenotype(referenceGenotype('v2'), TINY, { seed: 3 }),
    v3: FixedNetwork.fromGenotype(referenceGenotype('v3'), { ...TINY, nodes: 4 }, { seed: 3 }),
    supernet: new SearchNetwork(TINY, { seed: 3 }),
  };
  for (const [name, net] of Object.entries(nets)) {
    const got = fingerprint(net);
    const want = RECORDED[name]!;
    for (const key of ['logits', 'loss', 'grads', 'gradSq'] as const) {
      const [scale, tolerance] =
        key === 'grads'
          ? [got.gradsScale, 1e-6]
          : key === 'logits'
            ? [got.logitsScale, 1e-6]
            : [Math.abs(want[key]), 1e-5];
      const rel = Math.abs(got[key] - want[key]) / Math.max(1, scale);
      assert.ok(
        rel < tolerance,
        `${name} ${key}: ${got[key]} vs recorded ${want[key]} (relative ${rel.toExponential(1)})`,
      );
    }
    net.dispose();
  }
});
