import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Genotype } from './contracts.js';
import { genotypeAgreement } from './genotype-agreement.js';
import { referenceGenotype } from './reference-genotypes.js';

function edit(g: Genotype, kind: 'down' | 'up', k: number, pair: [string, number]): Genotype {
  const copy = structuredClone(g);
  copy[kind][k] = pair;
  return copy;
}

test('identical genotypes agree fully', () => {
  const v2 = referenceGenotype('v2');
  assert.deepEqual(genotypeAgreement([v2, referenceGenotype('v2'), v2]), {
    genotypes: 3,
    distinct: 1,
    edgeShare: 1,
    opShare: 1,
  });
});

test('an op chosen differently on one edge lowers only the op share', () => {
  const v2 = referenceGenotype('v2');
  // down node 0, edge from s1: down_conv -> down_cweight. 12 selections each, 11 shared.
  const other = edit(v2, 'down', 0, ['down_cweight', 1]);
  assert.deepEqual(genotypeAgreement([v2, other]), {
    genotypes: 2,
    distinct: 2,
    edgeShare: 1,
    opShare: 11 / 13,
  });
});

test('an edge wired differently lowers both shares; a third identical genotype changes nothing', () => {
  const v2 = referenceGenotype('v2');
  // up node 2 reads node 1 (input 3) in v2, node 0 (input 2) here.
  const other = edit(v2, 'up', 4, ['cweight', 2]);
  const expected = { distinct: 2, edgeShare: 11 / 13, opShare: 11 / 13 };
  assert.deepEqual(genotypeAgreement([v2, other]), { genotypes: 2, ...expected });
  assert.deepEqual(genotypeAgreement([v2, other, v2]), { genotypes: 3, ...expected });
  assert.throws(() => genotypeAgreement([]), RangeError);
});
