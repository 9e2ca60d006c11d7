/**
 * The five networks of the benchmark and how they are built: the found cells, two random
 * genotypes of the same space, a U-Net whose parameter count is within 10% of the found
 * network's (width and depth chosen by counting), and a classic wider U-Net.
 */
import { PreconditionError } from '../../libs/core/src/index.js';
import { contextChannels } from '../../libs/data/src/index.js';
import { createModel, estimateCost, type Genotype, type NamedWeightsNet } from '../../libs/nas/src/index.js';
import type { BenchConfig } from './config.js';
import { randomGenotype } from './genotypes.js';

/** Names of the benchmarked networks, in table order. */
export const NET_NAMES = ['found', 'random-1', 'random-2', 'unet-matched', 'unet-wide'] as const;
export type NetName = (typeof NET_NAMES)[number];

/** Everything needed to rebuild a network. */
export interface NetSpec {
  name: NetName;
  /** Architecture key of libs/nas. */
  architecture: 'nasunet' | 'unet';
  config: Record<string, number>;
  genotype: Genotype | null;
  /** How it was chosen, for the report. */
  note: string;
}

/** Input multiple every benchmarked network accepts (and the search supernet). */
export function padMultipleOf(cfg: BenchConfig): number {
  return Math.max(2 ** (cfg.search.depth + 1), 2 ** cfg.train.unetDepth, 16);
}

/** Exact parameter count of a configuration (libs/nas cost model, exact for parameters). */
export function parameterCount(
  architecture: 'nasunet' | 'unet',
  config: Record<string, number>,
  genotype: Genotype | null,
  h: number,
  w: number,
): number {
  return estimateCost(
    { architecture, config, ...(genotype ? { genotype } : {}) },
    { batch: 1, height: h, width: w },
  ).parameters;
}

/**
 * The U-Net (width, depth) with `inChannels` inputs whose parameter count is closest to
 * `target`, preferring `preferredDepth`; only depths whose 2^depth divides `h` and `w` are tried. Throws
 * `PreconditionError` when nothing lands within 10%.
 */
export function matchUnet(
  target: number,
  preferredDepth: number,
  h: number,
  w: number,
  nClasses: number,
  inChannels: number,
): { config: Record<string, number>; parameters: number; relativeGap: number } {
  type Match = { config: Record<string, number>; parameters: number; relativeGap: number };
  const depths = [1, 2, 3, 4, 5, 6]
    .filter((d) => h % 2 ** d === 0 && w % 2 ** d === 0)
    .sort((a, b) => Math.abs(a - preferredDepth) - Math.abs(b - preferredDepth) || b - a);
  let closest: Match | null = null;
  for (const depth of depths) {
    let best: Match | null = null;
    for (let width = 1; width <= 128; width++) {
      const config = { inChannels, nClasses, baseWidth: width, depth };
      const parameters = parameterCount('unet', config, null, h, w);
      const relativeGap = Math.abs(parameters - target) / target;
      if (best === null || relativeGap < best.relativeGap) best = { config, parameters, relativeGap };
      if (parameters > target * 1.5) break;
    }
    // The depth nearest the preferred one that lands within 10% wins.
    if (best !== null && best.relativeGap <= 0.1) return best;
    if (best !== null && (closest === null || best.relativeGap < closest.relativeGap)) closest = best;
  }
  throw new PreconditionError(
    `no U-Net within 10% of ${target} parameters (closest: ${closest?.parameters ?? '-'}); change train.channels or train.unetDepth`,
  );
}

/** Builds the five specs from the found genotype. */
export function netSpecs(
  cfg: BenchConfig,
  found: Genotype,
  nClasses: number,
  h: number,
  w: number,
): NetSpec[] {
  const t = cfg.train;
  const inChannels = contextChannels(cfg.contextSlices);
  const nasAt = (channels: number) => ({
    inChannels,
    nClasses,
    channels,
    depth: cfg.search.depth,
    nodes: cfg.search.nodes,
  });
  // The smallest width that gives the found cells at least `minParameters` parameters.
  const channels =
    [...t.channelChoices]
      .sort((a, b) => a - b)
      .find((c) => parameterCount('nasunet', nasAt(c), found, h, w) >= t.minParameters) ??
    Math.max(...t.channelChoices);
  const nas = nasAt(channels);
  const foundParams = parameterCount('nasunet', nas, found, h, w);
  const matched = matchUnet(foundParams, t.unetDepth, h, w, nClasses, inChannels);
  const wideWidth = Math.round((matched.config['baseWidth'] as number) * t.wideUnetFactor);
  const [r1, r2] = t.randomGenotypeSeeds;
  return [
    {
      name: 'found',
      architecture: 'nasunet',
      config: nas,
      genotype: found,
      note: `genotype of search seed ${cfg.search.seeds[0]} at C = ${channels} (${foundParams} parameters)`,
    },
    {
      name: 'random-1',
      architecture: 'nasunet',
      config: nas,
      genotype: randomGenotype(nas.nodes, r1, cfg.search.excludedOps),
      note: `random genotype, seed ${r1}`,
    },
    {
      name: 'random-2',
      architecture: 'nasunet',
      config: nas,
      genotype: randomGenotype(nas.nodes, r2, cfg.search.excludedOps),
      note: `random genotype, seed ${r2}`,
    },
    {
      name: 'unet-matched',
      architecture: 'unet',
      config: matched.config,
      genotype: null,
      note: `width ${matched.config['baseWidth']}, depth ${matched.config['depth']}: ${matched.parameters} parameters, ${(100 * matched.relativeGap).toFixed(1)}% from the found net's ${foundParams}`,
    },
    {
      name: 'unet-wide',
      architecture: 'unet',
      config: { ...matched.config, baseWidth: wideWidth },
      genotype: null,
      note: `classic U-Net at ${t.wideUnetFactor}x the matched width (${wideWidth})`,
    },
  ];
}

/** Creates the network of a spec with the training seed. */
export function buildNet(spec: NetSpec, seed: number): NamedWeightsNet {
  return createModel(spec.architecture, spec.config, {
    seed,
    ...(spec.genotype ? { genotype: spec.genotype } : {}),
  });
}
