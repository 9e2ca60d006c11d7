import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, type Tensor4D } from '../../tensor/src/index.js';
import { ValidationError } from '../../core/src/errors.js';
import { TransposedConv } from './layers.js';
import { ParamStore } from './params.js';
import {
  RECOMMENDED_EXCLUDED_OPS,
  SearchNetwork,
  UP_OPS,
  createModel,
  deriveGenotypeFromAlphas,
  describeExclusions,
  edgeCount,
  parseExcludedOps,
  parseGenotype,
  upsamplingWarning,
} from './index.js';

await initBackend({ backend: 'cpu' });

const TINY = { inChannels: 1, nClasses: 2, channels: 4, depth: 2, nodes: 3 };

/** Per pixel phase (row parity, column parity): how many outputs are not exactly 0. */
function nonZeroByPhase(y: Tensor4D): number[] {
  const [, h, w, c] = y.shape;
  const v = y.dataSync();
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      for (let k = 0; k < c; k++) if (v[(i * w + j) * c + k] !== 0) counts[(i % 2) * 2 + (j % 2)]! += 1;
    }
  }
  return counts;
}

test('a stride-2, dilation-2 transposed conv (up_dil_conv) writes one output pixel in four', () => {
  const x = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 7) as Tensor4D;
  const dilated = new TransposedConv(new ParamStore(3).scope('d'), 3, 3, { dilation: 2 }).apply(x);
  const plain = new TransposedConv(new ParamStore(3).scope('p'), 3, 3).apply(x);
  assert.deepEqual(dilated.shape, [1, 12, 12, 3]);
  const [even, , , odd] = nonZeroByPhase(dilated);
  assert.equal(even, 6 * 6 * 3, 'every (even, even) output is written');
  assert.deepEqual(nonZeroByPhase(dilated).slice(1), [0, 0, 0], 'no other output is');
  assert.equal(odd, 0);
  // up_conv, by contrast, writes all four phases.
  assert.ok(nonZeroByPhase(plain).every((n) => n === 6 * 6 * 3));
});

test('an excluded op weighs exactly 0, is not built, and its alpha changes nothing', () => {
  const full = new SearchNetwork(TINY, { seed: 1 });
  const net = new SearchNetwork({ ...TINY, excludedOps: ['up_dil_conv'] }, { seed: 1 });
  const col = UP_OPS.indexOf('up_dil_conv');
  for (const row of net.softmaxAlphas()[1]!) {
    assert.equal(row[col], 0);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  }
  assert.ok(full.softmaxAlphas()[1]!.every((row) => row[col]! > 0.2));
  // One 3x3 C -> C conv per up edge: (depth + 1) UpSCs x M edges from s1.
  assert.equal(full.parameterCount() - net.parameterCount(), 3 * 3 * 9 * 4 * 4);
  const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 5) as Tensor4D;
  const before = net.apply(x, true).dataSync();
  net.alphaUp.assign(
    tf.tensor2d((net.alphaUp.arraySync() as number[][]).map((r) => r.map((v, k) => (k === col ? 50 : v)))),
  );
  const after = net.apply(x, true).dataSync();
  assert.deepEqual(Array.from(after), Array.from(before));
  assert.ok(net.deriveGenotype().up.every(([op]) => op !== 'up_dil_conv'));
  // The same alphas in the full space pick it on every up edge.
  full.alphaUp.assign(net.alphaUp);
  assert.equal(full.deriveGenotype().up.filter(([op]) => op === 'up_dil_conv').length, 3);
  full.dispose();
  net.dispose();
});

test('the exclusion travels with the config through createModel', () => {
  const net = createModel(
    'nasunet_search',
    { ...TINY, excludedOps: [...RECOMMENDED_EXCLUDED_OPS] },
    { seed: 2 },
  );
  assert.ok(net instanceof SearchNetwork);
  assert.deepEqual(net.config.excludedOps, ['up_dil_conv']);
  assert.deepEqual((createModel('nasunet_search', TINY) as SearchNetwork).config.excludedOps, []);
  net.dispose();
});

test('derivation without exclusions is unchanged; with them, the next best op of the edge wins', () => {
  const e = edgeCount(3);
  const rows = (n: number, hot: number, v: number): number[][] =>
    Array.from({ length: e }, () =>
      Array.from({ length: n }, (_, k) => (k === hot ? v : k === 2 ? v / 2 : 0)),
    );
  const alphas = { down: rows(6, 5, 1), up: rows(4, 3, 4), normal: rows(7, 6, 1) };
  const all = deriveGenotypeFromAlphas(alphas, 3);
  const without = deriveGenotypeFromAlphas(alphas, 3, ['up_dil_conv']);
  assert.ok(all.up.some(([op]) => op === 'up_dil_conv'));
  assert.deepEqual(
    without.up.filter(([, input]) => input === 1).map(([op]) => op),
    all.up.filter(([, input]) => input === 1).map(() => 'up_conv'),
  );
  assert.deepEqual(without.down, all.down);
});

test('exclusion lists are validated with messages naming the problem', () => {
  assert.deepEqual(parseExcludedOps(['up_dil_conv', 'max_pool'], 'excludedOps'), ['up_dil_conv', 'max_pool']);
  const bad: Array<[string[], RegExp]> = [
    [['up_dill_conv'], /excludedOps: unknown op 'up_dill_conv'; valid: avg_pool/],
    [['conv', 'conv'], /op 'conv' is named twice/],
    [[...UP_OPS], /excludes every up op; keep at least one of up_cweight/],
    [['identity', 'cweight', 'dil_conv', 'dep_conv', 'shuffle_conv', 'conv'], /excludes every normal op/],
  ];
  for (const [ops, message] of bad) {
    assert.throws(
      () => parseExcludedOps(ops, 'excludedOps'),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.match(err.message, message);
        return true;
      },
    );
  }
  assert.throws(
    () => new SearchNetwork({ ...TINY, excludedOps: ['nope'] }),
    /config.excludedOps: unknown op 'nope'/,
  );
  assert.equal(describeExclusions([]), 'every op of the spec');
  assert.match(describeExclusions(['up_dil_conv']), /but up_dil_conv \(writes one output pixel in four/);
});

test('a genotype whose up cell reaches the coarser level only through up_dil_conv, or not at all, is flagged', () => {
  const down: Array<[string, number]> = [
    ['down_conv', 0],
    ['down_conv', 1],
    ['conv', 2],
    ['down_conv', 1],
  ];
  const g = (up: Array<[string, number]>) => parseGenotype({ version: 1, nodes: 2, down, up });
  // The up cell of the axis-0 search that lost: one edge from input 1, up_dil_conv.
  const sparse = g([
    ['dil_conv', 0],
    ['up_dil_conv', 1],
    ['conv', 0],
    ['dil_conv', 2],
  ]);
  assert.match(
    upsamplingWarning(sparse) ?? '',
    /only through up_dil_conv, which writes one output pixel in four/,
  );
  const mixed = g([
    ['up_dil_conv', 1],
    ['dil_conv', 0],
    ['up_conv', 1],
    ['conv', 2],
  ]);
  assert.equal(upsamplingWarning(mixed), null);
  const blind = g([
    ['conv', 0],
    ['dil_conv', 0],
    ['conv', 0],
    ['conv', 2],
  ]);
  assert.match(upsamplingWarning(blind) ?? '', /no edge from the coarser level/);
});
