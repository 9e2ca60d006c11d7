/**
 * Genotype helpers of the benchmark: seeded random genotypes from the NAS-Unet search
 * space and the agreement between two genotypes.
 */
import { Rng } from '../../libs/engine/src/index.js';
import {
  OP_NAMES,
  edgeOpSet,
  liveColumns,
  parseGenotype,
  type CellKind,
  type Genotype,
} from '../../libs/nas/src/index.js';

/**
 * A genotype drawn uniformly from the search space the derivation can produce: per node,
 * two distinct inputs among s0, s1 and the earlier nodes, each with an op drawn uniformly
 * from its edge's set (never `none`, never one of `excludedOps`). Validated with
 * `parseGenotype`.
 */
export function randomGenotype(nodes: number, seed: number, excludedOps: readonly string[] = []): Genotype {
  const rng = new Rng(seed);
  const cell = (kind: CellKind): Array<[string, number]> => {
    const pairs: Array<[string, number]> = [];
    for (let node = 0; node < nodes; node++) {
      const inputs = rng.shuffle(Array.from({ length: node + 2 }, (_, i) => i)).slice(0, 2);
      for (const input of inputs) {
        const set = edgeOpSet(kind, input);
        const ops = liveColumns(set, excludedOps).map((k) => OP_NAMES[set][k]!);
        pairs.push([ops[rng.int(ops.length)] as string, input]);
      }
    }
    return pairs;
  };
  const down = cell('down');
  const up = cell('up');
  return parseGenotype({ version: 1, nodes, down, up });
}

/** Agreement of two genotypes with the same `nodes`. */
export interface Agreement {
  /** (op, input) choices of `a` that `b` makes in the same node of the same cell type. */
  same: number;
  /** Choices compared (2 per node per cell type). */
  total: number;
  /** Inputs (ignoring the op) that both pick in the same node. */
  sameInputs: number;
  perCell: Record<CellKind, { same: number; total: number }>;
}

/** Counts the (op, input) choices that two genotypes share, node by node (order inside a node ignored). */
export function genotypeAgreement(a: Genotype, b: Genotype): Agreement {
  const perCell = { down: { same: 0, total: 0 }, up: { same: 0, total: 0 } };
  let sameInputs = 0;
  for (const kind of ['down', 'up'] as const) {
    for (let node = 0; node < Math.min(a.nodes, b.nodes); node++) {
      const pa = a[kind].slice(2 * node, 2 * node + 2);
      const pb = b[kind].slice(2 * node, 2 * node + 2);
      const keys = new Set(pb.map(([o, i]) => `${o}@${i}`));
      const ins = new Set(pb.map(([, i]) => i));
      for (const [o, i] of pa) {
        perCell[kind].total++;
        if (keys.has(`${o}@${i}`)) perCell[kind].same++;
        if (ins.has(i)) sameInputs++;
      }
    }
  }
  return {
    same: perCell.down.same + perCell.up.same,
    total: perCell.down.total + perCell.up.total,
    sameInputs,
    perCell,
  };
}
