import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DOWN_OPS,
  NORMAL_OPS,
  UP_OPS,
  NEAR_TIE,
  decisionMargins,
  decisionMarginsOfWeights,
  deriveGenotypeFromAlphas,
  describeMargins,
  edgeCount,
  edgeIndex,
  edgeOpSet,
  parseGenotype,
  referenceGenotype,
  softmax,
  type AlphaArrays,
  type Genotype,
} from './index.js';

function zeros(nodes: number): AlphaArrays {
  const e = edgeCount(nodes);
  const rows = (n: number): number[][] => Array.from({ length: e }, () => new Array<number>(n).fill(0));
  return { down: rows(DOWN_OPS.length), up: rows(UP_OPS.length), normal: rows(NORMAL_OPS.length) };
}

function set(
  a: AlphaArrays,
  kind: 'down' | 'up' | 'normal',
  node: number,
  input: number,
  op: string,
  value: number,
): void {
  const cols: readonly string[] = kind === 'down' ? DOWN_OPS : kind === 'up' ? UP_OPS : NORMAL_OPS;
  a[kind][edgeIndex(node, input)]![cols.indexOf(op)] = value;
}

test('alphas encoding a reference cell derive back to it (per node, as sets)', () => {
  for (const name of ['v2', 'v3']) {
    const g = referenceGenotype(name);
    const bySet = (x: Genotype, kind: 'down' | 'up'): string[] =>
      Array.from({ length: x.nodes }, (_, n) =>
        x[kind]
          .slice(2 * n, 2 * n + 2)
          .map((p) => p.join(':'))
          .sort()
          .join(' '),
      );
    // alpha_normal is shared by both cells, so encode and check one cell kind at a time
    for (const kind of ['down', 'up'] as const) {
      const a = zeros(g.nodes);
      g[kind].forEach(([op, input], k) => set(a, edgeOpSet(kind, input), Math.floor(k / 2), input, op, 5));
      const d = deriveGenotypeFromAlphas(a, g.nodes);
      parseGenotype(d);
      assert.deepEqual(bySet(d, kind), bySet(g, kind), `${name} ${kind}`);
    }
  }
});

test('none is never selected: a tie with none and none being largest both pick the best other op', () => {
  const a = zeros(2);
  // node 1, edge from node 0 (normal set in both cells)
  set(a, 'normal', 1, 2, 'none', 3);
  set(a, 'normal', 1, 2, 'dil_conv', 3); // tie with none
  set(a, 'normal', 0, 0, 'none', 8); // none largest on the up cell's s0 edge of node 0
  set(a, 'normal', 0, 0, 'shuffle_conv', 1);
  const g = deriveGenotypeFromAlphas(a, 2);
  assert.ok(
    g.down.slice(2).some(([op, i]) => op === 'dil_conv' && i === 2),
    JSON.stringify(g.down),
  );
  // up node 0: candidates (s0 normal: shuffle_conv) and (s1 up: all equal -> first up op)
  // weights: up_cweight 1/4 * 4/7 = 0.143 (all up alphas equal: first column); shuffle_conv e/(e^8+e+5) = 0.0009
  assert.deepEqual(g.up.slice(0, 2), [
    ['up_cweight', 1],
    ['shuffle_conv', 0],
  ]);
  for (const [op] of [...g.down, ...g.up]) assert.notEqual(op, 'none');
});

test('down rescaling 6/7 decides between a resampling and a normal candidate', () => {
  // node 1 of the down cell: inputs 0, 1 (down set) and 2 (normal set).
  // s1 edge: p = e^a / (e^a + 5) = 0.5 with a = ln 5; node-0 edge: p = 0.46 (b = ln(0.46*6/0.54)).
  // Unscaled, 0.5 > 0.46 would win; scaled, 0.5 * 6/7 = 0.4286 < 0.46 loses.
  const b = Math.log((0.46 * 6) / 0.54);
  const a = zeros(2);
  set(a, 'down', 1, 1, 'max_pool', Math.log(5));
  set(a, 'down', 1, 0, 'avg_pool', Math.log(5) - 2);
  set(a, 'normal', 1, 2, 'conv', b);
  let g = deriveGenotypeFromAlphas(a, 2);
  assert.deepEqual(g.down.slice(2), [
    ['conv', 2],
    ['max_pool', 1],
  ]);
  // Raise the normal candidate's rival: with p_normal = 0.40 < 0.4286 the resampling edge wins.
  set(a, 'normal', 1, 2, 'conv', Math.log((0.4 * 6) / 0.6));
  g = deriveGenotypeFromAlphas(a, 2);
  assert.deepEqual(g.down.slice(2), [
    ['max_pool', 1],
    ['conv', 2],
  ]);
});

test('up rescaling 4/7: an up edge at p = 0.7 (scaled 0.4) loses to normal edges at 0.45 and 0.42', () => {
  const a = zeros(2);
  // up node 1: input 0 (normal), 1 (up), 2 (normal)
  set(a, 'up', 1, 1, 'up_conv', Math.log(7)); // 7 / (7 + 3) = 0.7
  set(a, 'normal', 1, 0, 'cweight', Math.log((0.45 * 6) / 0.55));
  set(a, 'normal', 1, 2, 'dep_conv', Math.log((0.42 * 6) / 0.58));
  const g = deriveGenotypeFromAlphas(a, 2);
  assert.deepEqual(g.up.slice(2), [
    ['cweight', 0],
    ['dep_conv', 2],
  ]);
  // node 0 has only two candidates: both kept, whatever their weights
  assert.deepEqual(
    g.up
      .slice(0, 2)
      .map((p) => p[1])
      .sort(),
    [0, 1],
  );
});

test('wrongly shaped alphas are refused', () => {
  const a = zeros(2);
  a.up.pop();
  assert.throws(() => deriveGenotypeFromAlphas(a, 2), /alpha_up/);
});

test('decision margins: the weight by which each op and input choice was won, narrowest first', () => {
  const a = zeros(2);
  set(a, 'down', 0, 0, 'down_conv', Math.log(2)); // 2/7 vs 1/7 of the down ops, times 6/7
  set(a, 'down', 1, 0, 'down_conv', Math.log(3)); // 3/8 vs 1/8, times 6/7
  set(a, 'normal', 1, 2, 'conv', Math.log(2)); // 2/8 vs 1/8 (none counts in the softmax)
  const m = decisionMargins(a, 2);
  const find = (cell: string, node: number, choice: string, kept: string) =>
    m.find((x) => x.cell === cell && x.node === node && x.choice === choice && x.kept === kept);
  // Per cell: 2 op choices per node, an input choice where a node has more than 2 inputs.
  assert.equal(m.length, 10);
  assert.ok(m.every((x, i) => i === 0 || m[i - 1]!.margin <= x.margin));
  const close = (x: number | undefined, want: number): void =>
    assert.ok(Math.abs(x! - want) < 1e-12, `${x} vs ${want}`);
  const node0 = find('down', 0, 'op', '(down_conv,0)');
  close(node0?.margin, (2 / 7 - 1 / 7) * (6 / 7));
  assert.equal(node0?.beaten, '(avg_pool,0)');
  close(find('down', 1, 'op', '(down_conv,0)')?.margin, (3 / 8 - 1 / 8) * (6 / 7));
  close(find('down', 1, 'op', '(conv,2)')?.margin, 2 / 8 - 1 / 8);
  // Node 1 of the down cell ranks (down_conv,0) 9/28 > (conv,2) 1/4 > (avg_pool,1) 1/7.
  const input = find('down', 1, 'input', '(conv,2)');
  close(input?.margin, 1 / 4 - 1 / 7);
  assert.equal(input?.beaten, '(avg_pool,1)');
  assert.equal(m.filter((x) => x.node === 0 && x.choice === 'input').length, 0);
  // The up cell shares alpha_normal: (conv,2) beats both untouched edges of its node 1.
  close(find('up', 1, 'input', '(identity,0)')?.margin, 0);
  // Every kept pair is in the derived genotype, at its node.
  const g = deriveGenotypeFromAlphas(a, 2);
  for (const x of m) {
    const pairs = g[x.cell].slice(2 * x.node, 2 * x.node + 2).map(([op, i]) => `(${op},${i})`);
    assert.ok(pairs.includes(x.kept), `${x.cell} node ${x.node}: ${x.kept} not in ${pairs.join(' ')}`);
  }
});

test('margins from softmax weights equal those from the logits, and one line describes them', () => {
  const a = zeros(2);
  set(a, 'down', 0, 0, 'down_conv', Math.log(2));
  set(a, 'normal', 1, 2, 'conv', Math.log(2));
  set(a, 'up', 0, 1, 'up_conv', 0.004);
  const weights = { down: a.down.map(softmax), up: a.up.map(softmax), normal: a.normal.map(softmax) };
  const fromLogits = decisionMargins(a, 2, ['up_dil_conv']);
  const fromWeights = decisionMarginsOfWeights(weights, 2, ['up_dil_conv']);
  assert.equal(fromWeights.length, fromLogits.length);
  fromWeights.forEach((m, i) => {
    assert.deepEqual({ ...m, margin: 0 }, { ...fromLogits[i]!, margin: 0 });
    assert.ok(Math.abs(m.margin - fromLogits[i]!.margin) < 1e-12);
  });
  const near = fromLogits.filter((m) => m.margin < NEAR_TIE).length;
  const [first] = fromLogits;
  assert.equal(
    describeMargins(fromLogits),
    `${near} of ${fromLogits.length} choices won by less than 0.01 of softmax weight ` +
      `(narrowest: ${first!.cell} node ${first!.node} ${first!.choice} ${first!.kept} over ${first!.beaten} by ${first!.margin.toFixed(4)})`,
  );
  // The untouched edges tie exactly, so some choices are near ties, and not all are.
  assert.ok(near > 0 && near < fromLogits.length);
  assert.equal(describeMargins([]), 'no choices to make');
});
