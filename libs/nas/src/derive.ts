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
 *
 * `decisionMargins` reports by how much each of those choices was won.
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

type Ranked = [index: number, weight: number];

/** The best and second-best allowed op of one edge (index -1, weight -Infinity when missing). */
function topTwo(weights: number[], allowed: (k: number) => boolean): [Ranked, Ranked] {
  const top: [Ranked, Ranked] = [
    [-1, -Infinity],
    [-1, -Infinity],
  ];
  weights.forEach((w, k) => {
    if (!allowed(k)) return;
    // Strictly greater: the first op wins ties.
    if (w > top[0][1]) {
      top[1] = top[0];
      top[0] = [k, w];
    } else if (w > top[1][1]) top[1] = [k, w];
  });
  return top;
}

/** One input of a node as derivation sees it: the edge's best op and its (rescaled) weight. */
interface Candidate {
  op: string;
  input: number;
  weight: number;
  /** The edge's second-best op with its rescaled weight; null when the edge weighs one op only. */
  runnerUp: { op: string; weight: number } | null;
}

/** Per intermediate node, its candidate inputs, strongest first (ties: lower input index). */
function rankCandidates(
  kind: CellKind,
  alphas: AlphaArrays,
  nodes: number,
  excluded: readonly string[],
): Candidate[][] {
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
  const ranked: Candidate[][] = [];
  for (let node = 0; node < nodes; node++) {
    const cands: Candidate[] = [];
    for (let input = 0; input < node + 2; input++) {
      const set = edgeOpSet(kind, input);
      const names = OP_NAMES[set];
      const row = softmax(alphas[set][edgeIndex(node, input)]!.map((a, k) => a + masks[set][k]!));
      const [[k, w], [k2, w2]] = topTwo(row, (k) => names[k] !== 'none' && masks[set][k] !== MASKED_LOGIT);
      cands.push({
        op: names[k]!,
        input,
        weight: w * rescale[set],
        runnerUp: k2 < 0 ? null : { op: names[k2]!, weight: w2 * rescale[set] },
      });
    }
    ranked.push(cands.sort((a, b) => b.weight - a.weight || a.input - b.input));
  }
  return ranked;
}

function deriveCell(
  kind: CellKind,
  alphas: AlphaArrays,
  nodes: number,
  excluded: readonly string[],
): Array<[string, number]> {
  return rankCandidates(kind, alphas, nodes, excluded).flatMap((cands) =>
    cands.slice(0, 2).map((c): [string, number] => [c.op, c.input]),
  );
}

function checkShapes(alphas: AlphaArrays, nodes: number): void {
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
  checkShapes(alphas, nodes);
  return {
    version: 1,
    nodes,
    down: deriveCell('down', alphas, nodes, excluded),
    up: deriveCell('up', alphas, nodes, excluded),
  };
}

/** How narrowly one choice of a derived genotype was made. */
export interface DecisionMargin {
  cell: CellKind;
  /** Intermediate node, from 0. */
  node: number;
  /** `op`: the op kept on an edge over the edge's next-best op; `input`: the weaker kept input over the strongest dropped one. */
  choice: 'op' | 'input';
  /** The pair kept and the pair it beat, `(op,input)`. */
  kept: string;
  beaten: string;
  /** Difference of their (rescaled) softmax weights, >= 0: near 0 is a coin toss the next alpha step may reverse. */
  margin: number;
}

/**
 * Every choice derivation makes from these alphas, with the weight by which it was won:
 * per node, the op on each kept edge and, when the node has more than two candidate
 * inputs, the second kept input over the best dropped one. Sorted by margin, narrowest
 * first. A genotype that keeps flipping between derivations has choices near 0 here.
 */
export function decisionMargins(
  alphas: AlphaArrays,
  nodes: number,
  excluded: readonly string[] = [],
): DecisionMargin[] {
  checkShapes(alphas, nodes);
  const pair = (op: string, input: number): string => `(${op},${input})`;
  const out: DecisionMargin[] = [];
  for (const cell of ['down', 'up'] as const) {
    rankCandidates(cell, alphas, nodes, excluded).forEach((cands, node) => {
      for (const c of cands.slice(0, 2)) {
        if (c.runnerUp === null) continue;
        out.push({
          cell,
          node,
          choice: 'op',
          kept: pair(c.op, c.input),
          beaten: pair(c.runnerUp.op, c.input),
          margin: c.weight - c.runnerUp.weight,
        });
      }
      const [, second, dropped] = cands;
      if (second && dropped) {
        out.push({
          cell,
          node,
          choice: 'input',
          kept: pair(second.op, second.input),
          beaten: pair(dropped.op, dropped.input),
          margin: second.weight - dropped.weight,
        });
      }
    });
  }
  return out.sort((a, b) => a.margin - b.margin);
}

/** A choice won by less than this softmax weight is a near tie the next alpha steps may reverse. */
export const NEAR_TIE = 0.01;

/**
 * {@link decisionMargins} from softmax weights, as search histories and epoch events carry
 * them, rather than logits: each weight is taken back to a logit (its log), which the
 * derivation softmaxes again to the same weight.
 */
export function decisionMarginsOfWeights(
  weights: AlphaArrays,
  nodes: number,
  excluded: readonly string[] = [],
): DecisionMargin[] {
  const logits = (m: number[][]): number[][] => m.map((row) => row.map(Math.log));
  return decisionMargins(
    { down: logits(weights.down), up: logits(weights.up), normal: logits(weights.normal) },
    nodes,
    excluded,
  );
}

/**
 * One line on how firmly a genotype was chosen: `2 of 16 choices won by less than 0.01 of
 * softmax weight (narrowest: down node 0 op (down_cweight,1) over (max_pool,1) by 0.0029)`.
 * `margins` narrowest first, as {@link decisionMargins} returns them.
 */
export function describeMargins(margins: readonly DecisionMargin[]): string {
  const [m] = margins;
  if (!m) return 'no choices to make';
  const near = margins.filter((d) => d.margin < NEAR_TIE).length;
  return (
    `${near} of ${margins.length} choices won by less than ${NEAR_TIE} of softmax weight ` +
    `(narrowest: ${m.cell} node ${m.node} ${m.choice} ${m.kept} over ${m.beaten} by ${m.margin.toFixed(4)})`
  );
}
