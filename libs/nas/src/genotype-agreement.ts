/**
 * How far the genotypes of one search run with different seeds agree (DARTS-style searches
 * are known to depend on the seed): per cell kind and node, each genotype selects two
 * edges (inputs) and an op on each; the shares compare what every genotype selected with
 * what any of them selected.
 */
import type { Genotype } from './contracts.js';
import { genotypesEqual } from './genotype.js';

/** Most seeds of one multi-seed search (one job, and one genotype, per seed). */
export const MAX_SEEDS = 16;

/** Agreement of two or more genotypes of the same search space. */
export interface GenotypeAgreement {
  /** Genotypes compared. */
  genotypes: number;
  /** Different genotypes among them (1 = all identical). */
  distinct: number;
  /**
   * Selected edges (cell kind, node, input) chosen by every genotype over those chosen by
   * any, in [0, 1]; 1 when all wire their cells alike.
   */
  edgeShare: number;
  /** The same for (edge, op) selections: 1 only when all genotypes are identical. */
  opShare: number;
}

/** Selections of one genotype: `down/1/0` (edges) and `down/1/0/conv` (edges with ops). */
function selections(g: Genotype): { edges: Set<string>; ops: Set<string> } {
  const edges = new Set<string>();
  const ops = new Set<string>();
  for (const kind of ['down', 'up'] as const) {
    g[kind].forEach(([op, input], k) => {
      const edge = `${kind}/${Math.floor(k / 2)}/${input}`;
      edges.add(edge);
      ops.add(`${edge}/${op}`);
    });
  }
  return { edges, ops };
}

/** |selected by all| / |selected by any| over the sets. */
function share(sets: Array<Set<string>>): number {
  const any = new Set(sets.flatMap((s) => [...s]));
  const all = [...any].filter((x) => sets.every((s) => s.has(x)));
  return any.size === 0 ? 1 : all.length / any.size;
}

/**
 * Agreement of `genotypes` (at least one; all with the same number of nodes). A single
 * genotype agrees with itself (shares 1).
 */
export function genotypeAgreement(genotypes: readonly Genotype[]): GenotypeAgreement {
  if (genotypes.length === 0) throw new RangeError('genotypeAgreement needs at least one genotype');
  const distinct: Genotype[] = [];
  for (const g of genotypes) if (!distinct.some((d) => genotypesEqual(d, g))) distinct.push(g);
  const sel = genotypes.map(selections);
  return {
    genotypes: genotypes.length,
    distinct: distinct.length,
    edgeShare: share(sel.map((s) => s.edges)),
    opShare: share(sel.map((s) => s.ops)),
  };
}
