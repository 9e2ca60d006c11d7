import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidGenotypeError, NotFoundError } from '../../core/src/errors.js';
import {
  edgeCount,
  edgeIndex,
  formatGenotype,
  genotypesEqual,
  parseGenotype,
  referenceGenotype,
} from './index.js';

const v3 = referenceGenotype('v3');

test('reference genotypes load and print as in the spec', () => {
  assert.equal(v3.nodes, 4);
  assert.deepEqual(formatGenotype(v3), {
    down: '(down_dil_conv,1) (down_cweight,0) | (down_cweight,0) (down_cweight,1) | (down_cweight,0) (conv,3) | (down_cweight,0) (conv,4)',
    up: '(cweight,0) (up_cweight,1) | (conv,2) (up_cweight,1) | (up_cweight,1) (conv,3) | (up_cweight,1) (conv,4)',
  });
  const v2 = referenceGenotype('v2');
  assert.equal(v2.nodes, 3);
  assert.deepEqual(formatGenotype(v2), {
    down: '(down_conv,1) (down_dep_conv,0) | (down_cweight,1) (down_dil_conv,0) | (down_dil_conv,1) (down_conv,0)',
    up: '(identity,0) (up_cweight,1) | (identity,2) (up_cweight,1) | (cweight,3) (up_conv,1)',
  });
  assert.throws(() => referenceGenotype('v4'), NotFoundError);
});

test('genotype JSON round-trips through text', () => {
  assert.deepEqual(parseGenotype(JSON.stringify(v3)), v3);
});

test('genotypes are equal when they build the same network: pair order within a node does not count', () => {
  const swapped = { ...v3, down: [v3.down[1]!, v3.down[0]!, ...v3.down.slice(2)] };
  assert.notDeepEqual(swapped.down, v3.down);
  assert.equal(genotypesEqual(v3, swapped), true);
  // The same pairs moved to another node build a different network.
  const moved = { ...v3, up: [v3.up[0]!, v3.up[2]!, v3.up[1]!, ...v3.up.slice(3)] };
  assert.equal(genotypesEqual(v3, moved), false);
  // One op changed, or one input changed.
  const op = { ...v3, up: [['conv', 0] as [string, number], ...v3.up.slice(1)] };
  assert.equal(genotypesEqual(v3, op), false);
  const input = { ...v3, up: [['cweight', 1] as [string, number], ...v3.up.slice(1)] };
  assert.equal(genotypesEqual(v3, input), false);
  assert.equal(genotypesEqual(v3, referenceGenotype('v2')), false);
});

test('edge numbering: E = sum_{i<M}(2+i), node-major', () => {
  assert.equal(edgeCount(4), 14);
  assert.equal(edgeCount(3), 9);
  assert.equal(edgeIndex(0, 0), 0);
  assert.equal(edgeIndex(1, 0), 2);
  assert.equal(edgeIndex(2, 3), 8);
  assert.equal(edgeIndex(3, 4), 13);
});

function rejects(
  mutate: (g: ReturnType<typeof structuredClone<typeof v3>>) => unknown,
  ...fragments: string[]
): void {
  const g = structuredClone(v3) as unknown as Record<string, unknown>;
  const bad = mutate(g as never) ?? g;
  assert.throws(
    () => parseGenotype(bad),
    (e: unknown) => {
      assert.ok(e instanceof InvalidGenotypeError, `not InvalidGenotypeError: ${String(e)}`);
      for (const f of fragments) assert.ok(e.message.includes(f), `'${e.message}' lacks '${f}'`);
      return true;
    },
  );
}

test('invalid genotypes are refused naming the field', () => {
  rejects(
    (g) => {
      g.down[3]![0] = 'sep_conv';
    },
    'down[3]',
    "'sep_conv'",
    'unknown',
  );
  rejects(
    (g) => {
      g.down[0]![0] = 'conv';
    },
    'down[0]',
    'down set',
  );
  rejects(
    (g) => {
      g.up[1]![0] = 'conv';
    },
    'up[1]',
    'up set',
  );
  rejects(
    (g) => {
      g.up[0]![0] = 'up_conv';
    },
    'up[0]',
    'normal set',
  );
  rejects((g) => {
    g.up[2]![0] = 'none';
  }, 'up[2]');
  rejects(
    (g) => {
      g.down[2]![1] = 3;
    },
    'down[2]',
    'out of range',
    '0..2',
  );
  rejects(
    (g) => {
      g.up.pop();
    },
    'up',
    'expected 8',
    'got 7',
  );
  rejects((g) => {
    g.nodes = 3;
  }, 'expected 6');
  rejects((g) => ({ ...g, version: 2 }), 'version');
  rejects((g) => ({ ...g, nodes: 0 }), 'nodes');
  rejects((g) => {
    (g.down[1] as unknown as unknown[])[1] = -1;
  }, 'down.1.1');
  rejects(() => '{ not json', 'not valid JSON');
});
