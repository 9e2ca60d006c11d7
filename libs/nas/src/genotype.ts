/**
 * Genotype JSON: schema, validation against the search-space rules, and helpers for the
 * cell wiring shared by search and derived networks.
 *
 * Wiring: a cell has inputs 0 = s0 and 1 = s1 and M intermediate nodes; node i (0-based)
 * may read inputs 0 .. i+1 (s0, s1 and the nodes before it), and its edges are numbered
 * node-major, so E = sum_{i<M} (2 + i). Edge kinds: DownSC edges from s0/s1 use the down
 * set, from nodes the normal set; UpSC edges from s1 use the up set, from s0 and nodes the
 * normal set.
 */
import { z } from 'zod';
import { InvalidGenotypeError } from '../../core/src/errors.js';
import type { Genotype } from './contracts.js';
import { DOWN_OPS, NORMAL_OPS, UP_OPS, type OpSet } from './registry.js';

/** Largest M accepted by the schema. */
export const MAX_NODES = 12;

const pair = z.tuple([z.string().min(1), z.number().int().min(0)]);

/** Zod schema of the genotype JSON (structure only; {@link parseGenotype} adds the search-space rules). */
export const GenotypeSchema = z.object({
  version: z.literal(1),
  nodes: z.number().int().min(1).max(MAX_NODES),
  down: z.array(pair),
  up: z.array(pair),
});

/** Which kind of cell a genotype half describes. */
export type CellKind = 'down' | 'up';

/** Number of edges of a cell with `nodes` intermediate nodes: sum_{i<M}(2+i). */
export function edgeCount(nodes: number): number {
  return (nodes * (nodes + 3)) / 2;
}

/** Index of the edge from input `input` into node `node` (node-major order). */
export function edgeIndex(node: number, input: number): number {
  return (node * (node + 3)) / 2 + input;
}

/** The op set an edge from `input` uses in a cell of `kind` (see module doc). */
export function edgeOpSet(kind: CellKind, input: number): OpSet {
  if (kind === 'down') return input < 2 ? 'down' : 'normal';
  return input === 1 ? 'up' : 'normal';
}

function setOps(set: OpSet): readonly string[] {
  return set === 'down' ? DOWN_OPS : set === 'up' ? UP_OPS : NORMAL_OPS;
}

function checkCell(pairs: Array<[string, number]>, nodes: number, kind: CellKind): void {
  if (pairs.length !== 2 * nodes) {
    throw new InvalidGenotypeError(
      `${kind}: expected ${2 * nodes} (op, input) pairs for nodes=${nodes} (2 per node), got ${pairs.length}`,
    );
  }
  pairs.forEach(([op, input], k) => {
    const node = Math.floor(k / 2);
    const field = `${kind}[${k}]`;
    if (input > node + 1) {
      throw new InvalidGenotypeError(
        `${field}: input ${input} out of range for node ${node}; valid inputs are 0..${node + 1} (0 = s0, 1 = s1, 2.. = earlier nodes)`,
      );
    }
    const set = edgeOpSet(kind, input);
    const valid = setOps(set).filter((o) => o !== 'none');
    if (!valid.includes(op)) {
      const known = [...DOWN_OPS, ...UP_OPS, ...NORMAL_OPS].includes(op as never);
      throw new InvalidGenotypeError(
        `${field}: op '${op}' ${known ? `is not allowed on an edge from input ${input} of a ${kind} cell, which uses the ${set} set` : 'is unknown'}; valid: ${valid.join(', ')}`,
      );
    }
  });
}

/**
 * Parses and validates a genotype (object or JSON text). Throws `InvalidGenotypeError`
 * naming the offending field: schema errors, wrong pair count for `nodes`, input index out
 * of range, unknown op, op from the wrong set for its edge, or `none`.
 */
export function parseGenotype(json: unknown): Genotype {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new InvalidGenotypeError(`genotype: not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = GenotypeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length === 0 ? 'genotype' : issue.path.map(String).join('.');
    throw new InvalidGenotypeError(`${field}: ${issue.message}`);
  }
  const g = parsed.data as Genotype;
  checkCell(g.down, g.nodes, 'down');
  checkCell(g.up, g.nodes, 'up');
  return {
    version: 1,
    nodes: g.nodes,
    down: g.down.map(([o, i]) => [o, i]),
    up: g.up.map(([o, i]) => [o, i]),
  };
}

/** Formats a genotype in the spec's notation: `(op,input) (op,input) | ...`. */
export function formatGenotype(g: Genotype): { down: string; up: string } {
  const fmt = (pairs: Array<[string, number]>): string =>
    pairs.map(([o, i], k) => `(${o},${i})${k % 2 === 1 && k < pairs.length - 1 ? ' |' : ''}`).join(' ');
  return { down: fmt(g.down), up: fmt(g.up) };
}

/**
 * A cell's pairs with each node's two pairs in a fixed order: a node sums its two ops, so
 * `(a,0) (b,1)` and `(b,1) (a,0)` build the same node (derivation lists the stronger first,
 * and near-tied candidates swap places without changing the network).
 */
function canonicalCell(pairs: ReadonlyArray<readonly [string, number]>): string[] {
  const nodes: string[] = [];
  for (let k = 0; k < pairs.length; k += 2) {
    nodes.push(
      pairs
        .slice(k, k + 2)
        .map(([op, input]) => `${op},${input}`)
        .sort()
        .join(' '),
    );
  }
  return nodes;
}

/** True if two genotypes build the same network (the same pairs per node, in any order within a node). */
export function genotypesEqual(a: Genotype, b: Genotype): boolean {
  const key = (g: Genotype): string => JSON.stringify([g.nodes, canonicalCell(g.down), canonicalCell(g.up)]);
  return key(a) === key(b);
}
