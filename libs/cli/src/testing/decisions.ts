/**
 * What a search's `decisions` must be for the genotype it chose: every choice of the
 * derivation once (per node, the op of each kept edge and, from node 1 on, the second kept
 * input), narrowest first, each kept pair at its node of the genotype.
 */
import assert from 'node:assert/strict';
import type { DecisionMargin, Genotype } from '../../../nas/src/index.js';

export function assertDecisionsOf(genotype: Genotype, decisions: readonly DecisionMargin[]): void {
  const perCell = 2 * genotype.nodes + (genotype.nodes - 1);
  assert.equal(decisions.length, 2 * perCell, JSON.stringify(decisions));
  decisions.forEach((d, i) => {
    assert.ok(d.margin >= 0 && (i === 0 || decisions[i - 1]!.margin <= d.margin), `margin order at ${i}`);
    const pairs = genotype[d.cell].slice(2 * d.node, 2 * d.node + 2).map(([op, input]) => `(${op},${input})`);
    assert.ok(pairs.includes(d.kept), `${d.cell} node ${d.node}: ${d.kept} not in ${pairs.join(' ')}`);
  });
}
