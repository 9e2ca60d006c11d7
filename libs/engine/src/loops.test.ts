/**
 * Search and training loops on the synthetic set with the tiny preset (wasm backend).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../tensor/src/index.js';
import {
  createModel,
  parseGenotype,
  presetConfig,
  referenceGenotype,
  type NamedSearchNet,
} from '../../nas/src/index.js';
import { CancelledError } from '../../core/src/index.js';
import { runSearch, runTraining, evaluate, type EngineEvent } from './index.js';
import { syntheticSets } from './testing/synthetic-sets.js';

await initBackend({ backend: 'wasm', logger: () => {} });

test('a short search moves the alphas, lowers the validation loss and yields a valid genotype', async () => {
  const { train, val } = syntheticSets(12, 16, 8, 11);
  const config = presetConfig('nasunet_search', 'tiny', { nClasses: 3 });
  const net = createModel('nasunet_search', config, { seed: 3 }) as NamedSearchNet;
  const before = net.archParams().map((a) => Float32Array.from(a.dataSync()));
  const events: EngineEvent[] = [];
  const tensorsBefore = tf.memory().numTensors;
  const r = await runSearch(net, {
    train,
    val,
    seed: 3,
    batchSize: 2,
    maxEpochs: 3,
    patience: 5,
    onEvent: (e) => events.push(e),
  });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors leak from the loop');
  const after = net.archParams().map((a) => a.dataSync());
  const moved = before.reduce(
    (m, b, i) => Math.max(m, ...Array.from(b, (v, j) => Math.abs(v - (after[i]?.[j] ?? v)))),
    0,
  );
  assert.ok(moved > 1e-4, `alphas moved by at most ${moved}`);
  assert.ok(
    r.initialValLoss !== null && r.valLoss < r.initialValLoss,
    `val loss ${r.valLoss} vs initial ${r.initialValLoss}`,
  );
  assert.deepEqual(parseGenotype(r.genotype), r.genotype);
  assert.equal(r.genotypeHistory.length, 3);
  assert.equal(r.steps, 6);
  // Events: plain JSON with a type discriminator, in order.
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'start');
  assert.equal(types[types.length - 1], 'done');
  for (const t of ['step', 'epoch', 'alphas', 'genotype'] as const)
    assert.ok(types.includes(t), `has ${t} events`);
  const alphas = events.find((e) => e.type === 'alphas');
  assert.ok(alphas && alphas.type === 'alphas');
  for (const row of alphas.down)
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'alphas are softmaxed');
  assert.deepEqual(JSON.parse(JSON.stringify(events)), events);
  // A derived net builds from the found genotype.
  const derived = createModel(
    'nasunet',
    presetConfig('nasunet', 'tiny', { nClasses: 3, nodes: r.genotype.nodes }),
    { genotype: r.genotype },
  );
  derived.dispose();
  net.dispose();
});

test('alpha warm-up is counted in steps; the budget stops at max steps', async () => {
  const { train, val } = syntheticSets(8, 16, 6, 11);
  const net = createModel('nasunet_search', presetConfig('nasunet_search', 'tiny', { nClasses: 3 }), {
    seed: 1,
  }) as NamedSearchNet;
  const steps: EngineEvent[] = [];
  const r = await runSearch(net, {
    train,
    val,
    seed: 1,
    batchSize: 2,
    maxEpochs: 10,
    maxSteps: 3,
    alphaWarmupSteps: 2,
    onEvent: (e) => e.type === 'step' && steps.push(e),
  });
  assert.equal(r.reason, 'max_steps');
  assert.deepEqual(
    steps.map((e) => (e.type === 'step' ? e.alphaLoss !== null : null)),
    [false, false, true],
  );
  net.dispose();
});

test('an aborted search writes a checkpoint and throws CancelledError', async () => {
  const { train, val } = syntheticSets(8, 16, 6, 11);
  const dir = mkdtempSync(join(tmpdir(), 'nasunet-cancel-'));
  try {
    const net = createModel('nasunet_search', presetConfig('nasunet_search', 'tiny', { nClasses: 3 }), {
      seed: 1,
    }) as NamedSearchNet;
    const ac = new AbortController();
    const reasons: string[] = [];
    await assert.rejects(
      runSearch(net, {
        train,
        val,
        seed: 1,
        batchSize: 2,
        maxEpochs: 5,
        checkpointPath: join(dir, 's.ckpt'),
        signal: ac.signal,
        onEvent: (e) => {
          if (e.type === 'step' && e.step === 1) ac.abort();
          if (e.type === 'checkpoint') reasons.push(e.reason);
        },
      }),
      CancelledError,
    );
    assert.deepEqual(reasons, ['cancel']);
    net.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a short training run reaches a Dice clearly above the untrained net', async () => {
  const { train, val } = syntheticSets(24, 16, 19, 11);
  const net = createModel('nasunet', presetConfig('nasunet', 'tiny', { nClasses: 3, channels: 8 }), {
    genotype: referenceGenotype('v2'),
    seed: 0,
  });
  const r = await runTraining(net, {
    train,
    val,
    seed: 0,
    batchSize: 4,
    maxEpochs: 8,
    optimiser: { lr: 1e-2 },
  });
  assert.ok(r.initialValDice !== null);
  assert.ok(r.bestValDice > r.initialValDice + 0.3, `Dice ${r.bestValDice} vs untrained ${r.initialValDice}`);
  const report = evaluate(net, val);
  assert.ok(report.meanDice > 0.4, `evaluated Dice ${report.meanDice}`);
  assert.equal(report.nCases, 5);
  net.dispose();
});

test('training cancelled mid-epoch and resumed ends exactly like an uninterrupted run', async () => {
  const { train, val } = syntheticSets(12, 16, 9, 11);
  const dir = mkdtempSync(join(tmpdir(), 'nasunet-train-resume-'));
  const genotype = referenceGenotype('v2');
  const build = () =>
    createModel('nasunet', presetConfig('nasunet', 'tiny', { nClasses: 3 }), { genotype, seed: 4 });
  const opts = { train, val, seed: 4, batchSize: 2, maxEpochs: 2, optimiser: { lr: 1e-2 } };
  try {
    const a = build();
    const full = await runTraining(a, opts);
    const wa = a.weightParams().map((v) => Array.from(v.dataSync()));
    a.dispose();

    const b = build();
    const ac = new AbortController();
    const ckpt = join(dir, 'train.ckpt');
    await assert.rejects(
      runTraining(b, {
        ...opts,
        checkpointPath: ckpt,
        signal: ac.signal,
        onEvent: (e) => e.type === 'step' && e.step === 2 && ac.abort(),
      }),
      CancelledError,
    );
    b.dispose();
    const c = build();
    const resumed = await runTraining(c, { ...opts, checkpointPath: ckpt, resumeFrom: ckpt });
    assert.equal(resumed.steps, full.steps);
    assert.equal(resumed.valDice, full.valDice);
    assert.equal(resumed.valLoss, full.valLoss);
    assert.deepEqual(resumed.curve, full.curve);
    assert.deepEqual(
      c.weightParams().map((v) => Array.from(v.dataSync())),
      wa,
    );
    c.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the search stops early once the genotype is unchanged for `patience` epochs, not before `minSteps`', async () => {
  const { train, val } = syntheticSets(6, 16, 4, 11);
  // With a zero alpha learning rate the derived genotype cannot change after epoch 1.
  const search = async (minSteps: number) => {
    const net = createModel('nasunet_search', presetConfig('nasunet_search', 'tiny', { nClasses: 3 }), {
      seed: 2,
    }) as NamedSearchNet;
    try {
      return await runSearch(net, {
        train,
        val,
        seed: 2,
        batchSize: 2,
        maxEpochs: 10,
        patience: 2,
        minSteps,
        alphaOptimiser: { lr: 0, weightDecay: 0 },
      });
    } finally {
      net.dispose();
    }
  };
  const r = await search(0);
  assert.equal(r.reason, 'early_stop');
  assert.equal(r.epochs, 3);
  // `minSteps` holds the stop back: one step past epoch 3 means it comes after epoch 4.
  const held = await search(r.steps + 1);
  assert.equal(held.reason, 'early_stop');
  assert.equal(held.epochs, 4);
  assert.equal(held.steps, (r.steps / 3) * 4);
});

test('the wall-time budget counts from when the command started, not from the first step', async () => {
  const { train, val } = syntheticSets(8, 16, 6, 11);
  const make = () =>
    createModel('nasunet', presetConfig('nasunet', 'tiny', { nClasses: 3 }), {
      genotype: referenceGenotype('v2'),
      seed: 0,
    });
  const opts = { train, val, seed: 0, batchSize: 2, maxEpochs: 3, maxWallSeconds: 30 };
  // A budget that began 31 s ago (loading, say) is spent before the first step.
  const late = make();
  const spent = await runTraining(late, { ...opts, wallClockStart: Date.now() - 31_000 });
  assert.equal(spent.reason, 'wall_time');
  assert.equal(spent.steps, 0);
  late.dispose();
  // The same budget from now lets the run finish its epochs.
  const fresh = make();
  const full = await runTraining(fresh, { ...opts, wallClockStart: Date.now() });
  assert.equal(full.reason, 'max_epochs');
  assert.equal(full.steps, 9);
  fresh.dispose();
});
