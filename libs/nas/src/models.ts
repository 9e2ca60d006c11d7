/**
 * Registry of model architectures by stable key:
 * - `nasunet`: the derived NAS-Unet ({@link FixedNetwork}); needs a genotype;
 * - `nasunet_search`: the search supernet ({@link SearchNetwork});
 * - `unet`: the classic U-Net baseline ({@link UNet});
 * - `fcdensenet`: the FC-DenseNet baseline ({@link FcDenseNet}).
 * Model ids in the registry service are `<arch>.<tag>` (e.g. `nasunet.promise12_v3`),
 * split with {@link splitModelName}.
 */
import { z } from 'zod';
import { UnknownOpError, ValidationError } from '../../core/src/errors.js';
import { FcDenseNetConfigSchema, NasUnetConfigSchema, UNetConfigSchema, parseConfig } from './config.js';
import type { NamedWeightsNet } from './contracts.js';
import { FcDenseNet } from './fc-densenet.js';
import { FixedNetwork } from './fixed-network.js';
import { FCDENSENET_PRESETS, NASUNET_PRESETS, UNET_PRESETS, lookupPreset } from './presets.js';
import { SearchNetwork } from './search-network.js';
import { UNet } from './unet.js';

/** Stable architecture keys (stored verbatim in model bundles). */
export const ARCHITECTURE_KEYS = ['nasunet', 'nasunet_search', 'unet', 'fcdensenet'] as const;
export type ArchitectureKey = (typeof ARCHITECTURE_KEYS)[number];

/** Validates an architecture key; throws `UnknownOpError` listing the valid keys. */
export function parseArchitectureKey(key: string): ArchitectureKey {
  if (!(ARCHITECTURE_KEYS as readonly string[]).includes(key)) {
    throw new UnknownOpError(`unknown architecture '${key}'; valid: ${ARCHITECTURE_KEYS.join(', ')}`);
  }
  return key as ArchitectureKey;
}

/** The zod schema of an architecture's config. */
export function configSchemaOf(key: ArchitectureKey): z.ZodType<Record<string, number>> {
  return key === 'unet'
    ? UNetConfigSchema
    : key === 'fcdensenet'
      ? FcDenseNetConfigSchema
      : NasUnetConfigSchema;
}

/**
 * The config of a named preset (`tiny`, `small`, `paper`), with optional overrides
 * (e.g. `{ inChannels: 3, nClasses: 4 }`), validated (`ValidationError` naming the field).
 */
export function presetConfig(
  key: string,
  preset: string,
  overrides: Record<string, unknown> = {},
): Record<string, number> {
  const k = parseArchitectureKey(key);
  const table: Readonly<Record<string, Record<string, number>>> =
    k === 'unet' ? UNET_PRESETS : k === 'fcdensenet' ? FCDENSENET_PRESETS : NASUNET_PRESETS;
  const base = lookupPreset(table, preset, k);
  return parseConfig(configSchemaOf(k), { ...base, ...overrides }, 'config');
}

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /** Required for `nasunet`; ignored otherwise. */
  genotype?: unknown;
  /** Weight-initialisation seed (default 0). */
  seed?: number;
}

/**
 * Builds a model of architecture `key` from a config object (validated). `nasunet`
 * without a genotype throws `ValidationError`.
 */
export function createModel(key: string, config: unknown, opts: CreateModelOptions = {}): NamedWeightsNet {
  const k = parseArchitectureKey(key);
  const seed = opts.seed ?? 0;
  switch (k) {
    case 'nasunet':
      if (opts.genotype === undefined || opts.genotype === null) {
        throw new ValidationError("genotype: architecture 'nasunet' needs a genotype");
      }
      return FixedNetwork.fromGenotype(opts.genotype, config, { seed });
    case 'nasunet_search':
      return new SearchNetwork(config, { seed });
    case 'unet':
      return new UNet(config, { seed });
    case 'fcdensenet':
      return new FcDenseNet(config, { seed });
  }
}

/** Splits a model id `arch.tag` at the first dot: `nasunet.promise12_v3` -> `{ arch, tag }`. */
export function splitModelName(id: string): { arch: string; tag: string } {
  const dot = id.indexOf('.');
  return dot < 0 ? { arch: id, tag: '' } : { arch: id.slice(0, dot), tag: id.slice(dot + 1) };
}
