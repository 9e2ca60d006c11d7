/**
 * Data-parallel steps (small preset, wasm): two worker threads give the same updated
 * weights and alphas as this thread computing the same shares one after another,
 * averaging their gradients by share size and taking one AdamW step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, uniformArray, type Tensor, type Variable } from '../../tensor/src/index.js';
import {
  createModel,
  presetConfig,
  referenceGenotype,
  type NamedSearchNet,
  type SegmentationNet,
} from '../../nas/src/index.js';
import { syntheticSets } from './testing/synthetic-sets.js';
import {
  AdamW,
  ALPHA_OPTIMISER,
  WEIGHT_OPTIMISER,
  batchShare,
  runSearch,
  segmentationLoss,
  shareSizes,
  startWorkers,
  uploadBatch,
  type HostBatch,
  type ReplicaSpec,
  type StepGroup,
} from './index.js';

await initBackend({ backend: 'wasm', logger: () => {} });

const SETTINGS = { clip: 5, diceWeight: 1, lr: 1e-3 };

/** A seeded random batch of `n` 32 x 32 one-channel images with 3-class labels. */
function randomBatch(n: number, seed: number): HostBatch {
  const hw = 32 * 32;
  const labels = uniformArray(n * hw, seed + 1, 0, 3);
  return {
    x: uniformArray(n * hw, seed, -2, 2),
    y: Int32Array.from(labels, (v) => Math.min(2, Math.floor(v))),
    shape: [n, 32, 32, 1],
  };
}

/** The reference: the shares' gradients in this thread, averaged by share size as tensors, one AdamW step. */
function referenceStep(
  net: SegmentationNet,
  vars: Variable[],
  opt: AdamW,
  batch: HostBatch,
  workers: number,
) {
  const sizes = shareSizes(batch.shape[0], workers);
  const total = sizes.reduce((a, b) => a + b, 0);
  const sums: Array<Tensor | null> = vars.map(() => null);
  sizes.forEach((n, i) => {
    const b = uploadBatch(batchShare(batch, sizes, i));
    const { grads } = tf.variableGrads(
      () => segmentationLoss(net.apply(b.x as tf.Tensor4D, true), b.y, { diceWeight: 1 }) as tf.Scalar,
      vars,
    );
    vars.forEach((v, k) => {
      const g = grads[v.name];
      if (!g) return;
      const prev = sums[k];
      sums[k] = tf.tidy(() => tf.add(prev ?? tf.zerosLike(g), tf.mul(g, n / total)));
      prev?.dispose();
    });
    tf.dispose([b.x, b.y, ...Object.values(grads)]);
  });
  opt.step(sums, { lr: SETTINGS.lr, clipNorm: SETTINGS.clip });
  tf.dispose(sums.filter((s): s is Tensor => s !== null));
}

function maxDiff(a: Variable[], b: Variable[]): number {
  let d = 0;
  a.forEach((v, i) => {
    const x = v.dataSync();
    const y = (b[i] as Variable).dataSync();
    for (let j = 0; j < x.length; j++) d = Math.max(d, Math.abs((x[j] as number) - (y[j] as number)));
  });
  return d;
}

function snapshot(vars: Variable[]): Float32Array[] {
  return vars.map((v) => Float32Array.from(v.dataSync()));
}

test('training: two workers update the weights as one thread averaging the same shares', async () => {
  const replica: ReplicaSpec = {
    architecture: 'nasunet',
    config: presetConfig('nasunet', 'small', { nClasses: 3 }),
    genotype: referenceGenotype('v3'),
    seed: 5,
  };
  const build = () =>
    createModel(replica.architecture, replica.config, { genotype: replica.genotype, seed: 5 });
  const par = build();
  const ref = build();
  // Some gradient elements are float32 noise of order 1e-8 to 1e-6 (sums that cancel); the
  // two ways of weighting the shares round them differently, and Adam divides by |g| + eps,
  // so with the default eps (1e-8) that noise becomes up to a full step of either sign. With
  // eps 1e-3 small gradients move the weights in proportion (lr * g / eps) and large ones by
  // about lr: rounding noise stays far below the tolerance, while a wrong weighting of the
  // shares (1/2 each instead of 3/5 and 2/5) moves weights by 1.7e-3.
  const settings = { ...WEIGHT_OPTIMISER, eps: 1e-3 };
  const parOpt = new AdamW(par.weightParams(), settings);
  const refOpt = new AdamW(ref.weightParams(), settings);
  const before = snapshot(par.weightParams());
  // An odd batch: shares of 3 and 2 slices, weighted 3/5 and 2/5.
  const stepper = await startWorkers({ workers: 2, replica }, [
    { role: 'weights', vars: par.weightParams(), opt: parOpt },
  ]);
  try {
    for (let step = 0; step < 2; step++) {
      const batch = randomBatch(5, 100 + step);
      const loss = await stepper.step(0, batch, SETTINGS);
      assert.ok(Number.isFinite(loss) && loss > 0);
      referenceStep(ref, ref.weightParams(), refOpt, batch, 2);
    }
  } finally {
    await stepper.close();
  }
  const moved = snapshot(par.weightParams()).reduce(
    (m, x, i) => Math.max(m, ...x.map((v, j) => Math.abs(v - ((before[i] as Float32Array)[j] as number)))),
    0,
  );
  assert.ok(moved > 1e-4, `the steps moved the weights (max change ${moved})`);
  const d = maxDiff(par.weightParams(), ref.weightParams());
  assert.ok(d < 1e-5, `weights differ by ${d}`);
  parOpt.dispose();
  refOpt.dispose();
  par.dispose();
  ref.dispose();
});

test('search: two workers make the bilevel step (alphas, then weights) as one thread on the same shares', async () => {
  const replica: ReplicaSpec = {
    architecture: 'nasunet_search',
    config: presetConfig('nasunet_search', 'small', { nClasses: 3, depth: 2 }),
    seed: 7,
  };
  const build = () => createModel(replica.architecture, replica.config, { seed: 7 }) as NamedSearchNet;
  const par = build();
  const ref = build();
  const opts = (n: NamedSearchNet): [AdamW, AdamW] => [
    new AdamW(n.archParams(), ALPHA_OPTIMISER),
    new AdamW(n.weightParams(), WEIGHT_OPTIMISER),
  ];
  const [parA, parW] = opts(par);
  const [refA, refW] = opts(ref);
  const groups: StepGroup[] = [
    { role: 'alphas', vars: par.archParams(), opt: parA },
    { role: 'weights', vars: par.weightParams(), opt: parW },
  ];
  const alphasBefore = snapshot(par.archParams());
  const stepper = await startWorkers({ workers: 2, replica }, groups);
  try {
    for (let step = 0; step < 2; step++) {
      const alphaBatch = randomBatch(4, 200 + step);
      const weightBatch = randomBatch(4, 300 + step);
      await stepper.step(0, alphaBatch, SETTINGS);
      await stepper.step(1, weightBatch, SETTINGS);
      referenceStep(ref, ref.archParams(), refA, alphaBatch, 2);
      referenceStep(ref, ref.weightParams(), refW, weightBatch, 2);
    }
  } finally {
    await stepper.close();
  }
  const moved = snapshot(par.archParams()).reduce(
    (m, x, i) =>
      Math.max(m, ...x.map((v, j) => Math.abs(v - ((alphasBefore[i] as Float32Array)[j] as number)))),
    0,
  );
  assert.ok(moved > 1e-5, `the alpha steps moved the alphas (max change ${moved})`);
  const da = maxDiff(par.archParams(), ref.archParams());
  const dw = maxDiff(par.weightParams(), ref.weightParams());
  assert.ok(da < 1e-5, `alphas differ by ${da}`);
  assert.ok(dw < 1e-5, `weights differ by ${dw}`);
  for (const o of [parA, parW, refA, refW]) o.dispose();
  par.dispose();
  ref.dispose();
});

test('a search loop runs on two workers, leaks no tensors and stops the workers', async () => {
  const { train, val } = syntheticSets(10, 16, 8, 4);
  const config = presetConfig('nasunet_search', 'tiny', { nClasses: train.nClasses });
  const net = createModel('nasunet_search', config, { seed: 2 }) as NamedSearchNet;
  const tensorsBefore = tf.memory().numTensors;
  const alphasBefore = snapshot(net.archParams());
  const r = await runSearch(net, {
    train,
    val,
    seed: 2,
    batchSize: 3,
    maxSteps: 3,
    parallel: { workers: 2, replica: { architecture: 'nasunet_search', config, seed: 2 } },
  });
  assert.equal(r.reason, 'max_steps');
  assert.equal(r.steps, 3);
  assert.ok(Number.isFinite(r.valLoss));
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors leak from the loop');
  const after = snapshot(net.archParams());
  assert.ok(
    after.some((a, i) => a.some((v, j) => v !== (alphasBefore[i] as Float32Array)[j])),
    'the workers\u2019 alpha gradients reached this thread',
  );
  net.dispose();
});
