/**
 * Named configuration presets, layered like timm's cfgs: a base (1 input channel, 2
 * classes) and per-size overrides. `tiny` is what every test and CI run uses.
 */
import { NotFoundError } from '../../core/src/errors.js';
import type { FcDenseNetConfig, NasUnetConfig, UNetConfig } from './config.js';

const BASE = { inChannels: 1, nClasses: 2 } as const;

/** Preset names, smallest first. */
export const PRESET_NAMES = ['tiny', 'small', 'paper'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * NAS-Unet presets (search and derived). `tiny`: C=4, depth 2, M=3 (inputs multiples of
 * 8, e.g. 16 or 32 px); `small`: C=16, depth 4, M=4; `paper`: C=32, depth 5, M=4 (about
 * 0.86 M parameters derived with V3, inputs multiples of 64).
 */
export const NASUNET_PRESETS: Readonly<Record<PresetName, NasUnetConfig>> = {
  tiny: { ...BASE, channels: 4, depth: 2, nodes: 3 },
  small: { ...BASE, channels: 16, depth: 4, nodes: 4 },
  paper: { ...BASE, channels: 32, depth: 5, nodes: 4 },
};

/**
 * U-Net presets. `tiny`: width 4, depth 2; `small`: width 8, depth 4 (0.49 M parameters,
 * matched to the derived V2 NAS-Unet's parameter count); `paper`: width 24, depth 4
 * (4.4 M parameters, about 14 GFLOPs per 256x256 sample: matched to the compute of the
 * derived V3 NAS-Unet at C=32, depth 5, the comparison the paper makes). The classic
 * U-Net is width 64.
 */
export const UNET_PRESETS: Readonly<Record<PresetName, UNetConfig>> = {
  tiny: { ...BASE, baseWidth: 4, depth: 2 },
  small: { ...BASE, baseWidth: 8, depth: 4 },
  paper: { ...BASE, baseWidth: 24, depth: 4 },
};

/**
 * FC-DenseNet presets. `tiny`: 8 first channels, k=4, 2 layers per block, depth 2;
 * `small`: FC-DenseNet56 (48, k=12, 4 layers, 5 levels; 1.37 M parameters, the paper
 * reports 1.5 M); `paper`: FC-DenseNet67 (48, k=16, 5 layers, 5 levels; 3.46 M
 * parameters, the paper reports 3.5 M).
 */
export const FCDENSENET_PRESETS: Readonly<Record<PresetName, FcDenseNetConfig>> = {
  tiny: { ...BASE, firstChannels: 8, growthRate: 4, layersPerBlock: 2, depth: 2 },
  small: { ...BASE, firstChannels: 48, growthRate: 12, layersPerBlock: 4, depth: 5 },
  paper: { ...BASE, firstChannels: 48, growthRate: 16, layersPerBlock: 5, depth: 5 },
};

/** Looks a preset up in a table; `NotFoundError` listing the valid names. */
export function lookupPreset<T>(table: Readonly<Record<string, T>>, name: string, what: string): T {
  const cfg = table[name];
  if (cfg === undefined)
    throw new NotFoundError(`${what} preset '${name}' not found; valid: ${Object.keys(table).join(', ')}`);
  return { ...cfg };
}
