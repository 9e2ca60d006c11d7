/**
 * The paper's reference cells (spec section 4), stored as JSON fixtures in
 * `libs/nas/genotypes/` and imported as JSON modules (tsc copies them next to the
 * compiled code), then validated like any other genotype.
 */
import { NotFoundError } from '../../core/src/errors.js';
import type { Genotype } from './contracts.js';
import { parseGenotype } from './genotype.js';
import v2 from '../genotypes/v2.json' with { type: 'json' };
import v3 from '../genotypes/v3.json' with { type: 'json' };

const FIXTURES: Record<string, unknown> = { v2, v3 };

/** Names of the reference genotypes: `v2` (M = 3) and `v3` (M = 4, the cell drawn in the paper). */
export const REFERENCE_GENOTYPES = ['v2', 'v3'] as const;
export type ReferenceGenotypeName = (typeof REFERENCE_GENOTYPES)[number];

/** Loads a reference genotype by name (a fresh copy); `NotFoundError` for other names. */
export function referenceGenotype(name: string): Genotype {
  const raw = FIXTURES[name];
  if (raw === undefined)
    throw new NotFoundError(
      `reference genotype '${name}' not found; available: ${REFERENCE_GENOTYPES.join(', ')}`,
    );
  return parseGenotype(raw);
}
