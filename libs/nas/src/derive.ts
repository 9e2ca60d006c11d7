/**
 * Genotype derivation from alphas (spec section 4), on plain arrays so it is testable
 * without tensors. Per intermediate node: resampling candidates (DownSC: edges from s0
 * and s1; UpSC: the edge from s1) take their argmax op with its softmax weight scaled by
 * 6/7 (down) or 4/7 (up); normal candidates (the other inputs) take the argmax excluding
 * `none` with its softmax weight (softmax over all 7 columns). The two strongest
 * candidates are kept, strongest first; ties go to the lower input index, and within an
 * edge to the lower op index.
 *
 * Excluded ops (search-space.ts) are never picked, and each softmax runs over the ops the
 * supernet weighs (an excluded op's weight is 0 there too); the rescale factors become
 * (live ops of the set) / (live ops of the normal set, `none` included), which is 6/7 and
 * 4/7 when nothing is excluded.
 */
import { InvalidGenotypeError } from '../../core/src/errors.js';
import type { Genotype } from './contracts.js';
import { edgeCount, edgeIndex, edgeOpSet, type CellKind } from './genotype.js';
import { DOWN_OPS, NORMAL_OPS, OP_NAMES, UP_OPS, type OpSet } from './registry.js';
import { MASKED_LOGIT, alphaMask } from './search-space.js';

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

/** Index and value of the largest weight whose op is allowed (first on ties). */
function bestOf(weights: number[], allowed: (k: number) => boolean): [number, number] {
  let best = -1;
  let bestW = -Infinity;
  weights.forEach((w, k) => {
    if (allowed(k) && w > bestW) {
      best = k;
      bestW = w;
    }
  });
  return [best, bestW];
}

function deriveCell(
  kind: CellKind,
  alphas: AlphaArrays,
  nodes: number,
  excluded: readonly string[],
): Array<[string, number]> {
  const masks = {
    down: alphaMask('down', excluded),
    up: alphaMask('up', excluded),
    normal: alphaMask('normal', excluded),
  };
  const weighed = (set: OpSet): number => masks[set].filter((m) => m !== MASKED_LOGIT).length;
  const rescale = {
    down: weighed('down') / weighed('normal'),
    up: weighed('up') / weighed('normal'),
    normal: 1,
  };
  const out: Array<[string, number]> = [];
  for (let node = 0; node < nodes; node++) {
    const cands: Array<{ op: string; input: number; weight: number }> = [];
    for (let input = 0; input < node + 2; input++) {
      const e = edgeIndex(node, input);
      const set = edgeOpSet(kind, input);
      const names = OP_NAMES[set];
      const row = softmax(alphas[set][e]!.map((a, k) => a + masks[set][k]!));
      const [k, w] = bestOf(row, (k) => names[k] !== 'none' && masks[set][k] !== MASKED_LOGIT);
      cands.push({ op: names[k]!, input, weight: w * rescale[set] });
    }
    const sorted = cands.map((c, i) => ({ ...c, i })).sort((a, b) => b.weight - a.weight || a.i - b.i);
    for (const c of sorted.slice(0, 2)) out.push([c.op, c.input]);
  }
  return out;
}

/**
 * Derives the genotype for `nodes` intermediate nodes from alpha arrays of `E` rows each
 * (E = sum_{i<M}(2+i)), never picking an op of `excluded`. Throws `InvalidGenotypeError`
 * when the arrays have the wrong shape.
 */
export function deriveGenotypeFromAlphas(
  alphas: AlphaArrays,
  nodes: number,
  excluded: readonly string[] = [],
): Genotype {
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
  return {
    version: 1,
    nodes,
    down: deriveCell('down', alphas, nodes, excluded),
    up: deriveCell('up', alphas, nodes, excluded),
  };
}
