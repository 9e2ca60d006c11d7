/**
 * Genotype derivation from alphas (spec section 4), on plain arrays so it is testable
 * without tensors. Per intermediate node: resampling candidates (DownSC: edges from s0
 * and s1; UpSC: the edge from s1) take their argmax op with its softmax weight scaled by
 * 6/7 (down) or 4/7 (up); normal candidates (the other inputs) take the argmax excluding
 * `none` with its softmax weight (softmax over all 7 columns). The two strongest
 * candidates are kept, strongest first; ties go to the lower input index, and within an
 * edge to the lower op index.
 */
import { InvalidGenotypeError } from '../../core/src/errors.js';
import type { Genotype } from './contracts.js';
import { edgeCount, edgeIndex, edgeOpSet, type CellKind } from './genotype.js';
import { DOWN_OPS, NORMAL_OPS, UP_OPS } from './registry.js';

/** Scale of a down-set candidate's weight (6 ops vs 7 normal ops). */
export const DOWN_RESCALE = 6 / 7;
/** Scale of an up-set candidate's weight (4 ops vs 7 normal ops). */
export const UP_RESCALE = 4 / 7;

/** Row-wise softmax. */
export function softmax(row: readonly number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Alphas as plain arrays: `down [E][6]`, `up [E][4]`, `normal [E][7]`. */
export interface AlphaArrays {
  down: number[][];
  up: number[][];
  normal: number[][];
}

function bestOf(weights: number[], skip: number): [number, number] {
  let best = -1;
  let bestW = -Infinity;
  weights.forEach((w, k) => {
    if (k !== skip && w > bestW) {
      best = k;
      bestW = w;
    }
  });
  return [best, bestW];
}

function deriveCell(kind: CellKind, alphas: AlphaArrays, nodes: number): Array<[string, number]> {
  const noneIndex = NORMAL_OPS.indexOf('none');
  const out: Array<[string, number]> = [];
  for (let node = 0; node < nodes; node++) {
    const cands: Array<{ op: string; input: number; weight: number }> = [];
    for (let input = 0; input < node + 2; input++) {
      const e = edgeIndex(node, input);
      const set = edgeOpSet(kind, input);
      if (set === 'normal') {
        const [k, w] = bestOf(softmax(alphas.normal[e]!), noneIndex);
        cands.push({ op: NORMAL_OPS[k]!, input, weight: w });
      } else if (set === 'down') {
        const [k, w] = bestOf(softmax(alphas.down[e]!), -1);
        cands.push({ op: DOWN_OPS[k]!, input, weight: w * DOWN_RESCALE });
      } else {
        const [k, w] = bestOf(softmax(alphas.up[e]!), -1);
        cands.push({ op: UP_OPS[k]!, input, weight: w * UP_RESCALE });
      }
    }
    const sorted = cands.map((c, i) => ({ ...c, i })).sort((a, b) => b.weight - a.weight || a.i - b.i);
    for (const c of sorted.slice(0, 2)) out.push([c.op, c.input]);
  }
  return out;
}

/**
 * Derives the genotype for `nodes` intermediate nodes from alpha arrays of `E` rows each
 * (E = sum_{i<M}(2+i)). Throws `InvalidGenotypeError` when the arrays have the wrong shape.
 */
export function deriveGenotypeFromAlphas(alphas: AlphaArrays, nodes: number): Genotype {
  const e = edgeCount(nodes);
  const check = (name: keyof AlphaArrays, cols: number): void => {
    const a = alphas[name];
    if (a.length !== e || a.some((r) => r.length !== cols)) {
      throw new InvalidGenotypeError(`alpha_${name}: expected ${e} x ${cols} for nodes=${nodes}`);
    }
  };
  check('down', DOWN_OPS.length);
  check('up', UP_OPS.length);
  check('normal', NORMAL_OPS.length);
  return { version: 1, nodes, down: deriveCell('down', alphas, nodes), up: deriveCell('up', alphas, nodes) };
}
