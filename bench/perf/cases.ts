/**
 * The networks bench/perf measures: the derived NAS-Unet (V2 and V3 genotypes), the
 * search supernet and the U-Net, at a named preset. `describe` is what the PyTorch twin
 * (torch_perf.py) needs to build the same net.
 */
import { ValidationError } from '../../libs/core/src/errors.js';
import type { NamedWeightsNet } from '../../libs/nas/src/contracts.js';
import {
  FixedNetwork,
  NASUNET_PRESETS,
  SearchNetwork,
  UNET_PRESETS,
  UNet,
  referenceGenotype,
  type PresetName,
} from '../../libs/nas/src/index.js';

/** Network families of the bench. */
export const FAMILIES = ['nasunet-v2', 'nasunet-v3', 'supernet', 'unet'] as const;
export type Family = (typeof FAMILIES)[number];

/** One measured net: a family at a preset, timed on `batch x side x side x 1`. */
export interface PerfCase {
  family: Family;
  preset: PresetName;
  batch: number;
  side: number;
}

/** `family@preset`, e.g. `nasunet-v3@small`. */
export function caseName(c: PerfCase): string {
  return `${c.family}@${c.preset}`;
}

/** Parses `family@preset[/batch]`: a batch after the slash replaces `batch` for that net (validation errors name the valid values). */
export function parseCase(spec: string, batch: number, side: number): PerfCase {
  const [net, ownBatch] = spec.split('/');
  const [family, preset] = (net ?? '').split('@');
  if (!(FAMILIES as readonly string[]).includes(family ?? '')) {
    throw new ValidationError(`--nets: unknown family in '${spec}' (use ${FAMILIES.join(', ')})`);
  }
  if (preset === undefined || !(preset in NASUNET_PRESETS)) {
    throw new ValidationError(`--nets: '${spec}' needs @tiny, @small or @paper`);
  }
  const b = ownBatch === undefined ? batch : positive('nets', ownBatch);
  return { family: family as Family, preset: preset as PresetName, batch: b, side };
}

/** Parses the value of option `--name` as a positive integer. */
export function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`--${name}: expected a positive integer (got ${v})`);
  return n;
}

/** Builds the case's net with seed 1. */
export function buildNet(c: PerfCase): NamedWeightsNet {
  if (c.family === 'unet') return new UNet(UNET_PRESETS[c.preset], { seed: 1 });
  if (c.family === 'supernet') return new SearchNetwork(NASUNET_PRESETS[c.preset], { seed: 1 });
  const genotype = referenceGenotype(c.family === 'nasunet-v2' ? 'v2' : 'v3');
  return FixedNetwork.fromGenotype(
    genotype,
    { ...NASUNET_PRESETS[c.preset], nodes: genotype.nodes },
    { seed: 1 },
  );
}

/** What the PyTorch twin builds: the architecture key, its config, genotype and alphas where relevant. */
export function describe(net: NamedWeightsNet): Record<string, unknown> {
  if (net instanceof UNet) return { arch: 'unet', config: net.config };
  if (net instanceof FixedNetwork) return { arch: 'nasunet', config: net.config, genotype: net.genotype };
  if (net instanceof SearchNetwork)
    return { arch: 'supernet', config: net.config, alphas: net.alphaArrays() };
  throw new ValidationError('bench/perf: unknown network class');
}
