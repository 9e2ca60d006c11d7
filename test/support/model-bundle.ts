/** Small real model bundles (untrained), as registry artifacts, for the tests. */
import {
  NASUNET_PRESETS,
  UNET_PRESETS,
  createModel,
  createModelBundle,
  type BundleManifest,
  type Preprocessing,
} from '../../libs/nas/src/index.js';
import { initBackend } from '../../libs/tensor/src/index.js';

/** What distinguishes one test bundle from another. */
export interface BundleOptions {
  /** `unet` (default) or `nasunet` (then `genotype` is required). */
  architecture?: 'unet' | 'nasunet';
  genotype?: BundleManifest['genotype'];
  /** Seed of the initial weights: other seeds give other weight bytes. Default 1. */
  seed?: number;
  /** Class names, background first; default the synthetic dataset's three. */
  classNames?: readonly string[];
  /** Full class records (codes, names, segment codes); takes precedence over `classNames`. */
  classes?: Preprocessing['classes'];
}

/**
 * Artifacts (`manifest.json`, `weights.bin`) of a tiny network for `size` x `size` slices
 * (a multiple of 8), which the registry accepts and the services load.
 */
export async function smallBundle(
  size: number,
  options: BundleOptions = {},
): Promise<Map<string, Uint8Array>> {
  await initBackend({ backend: 'cpu', logger: () => undefined });
  const classes =
    options.classes ??
    (options.classNames ?? ['background', 'organ_bright', 'organ_dark']).map((name, code) => ({
      code,
      name,
    }));
  const architecture = options.architecture ?? 'unet';
  const config =
    architecture === 'unet'
      ? { ...UNET_PRESETS.tiny, nClasses: classes.length }
      : { ...NASUNET_PRESETS.tiny, nClasses: classes.length };
  const genotype = options.genotype ?? null;
  const net = createModel(architecture, config, {
    seed: options.seed ?? 1,
    ...(genotype ? { genotype } : {}),
  });
  const bundle = createModelBundle(net, {
    architecture: { key: architecture, config },
    genotype,
    preprocessing: {
      inputChannels: 1,
      sliceAxis: 2,
      orientation: 'as-stored',
      spacingMm: null,
      normalization: { kind: 'zscore' },
      padMultiple: architecture === 'unet' ? 4 : 8,
      inputSize: [size, size],
      classes,
    },
  });
  net.dispose();
  return new Map([
    ['manifest.json', Buffer.from(JSON.stringify(bundle.manifest), 'utf8')],
    ['weights.bin', bundle.weights],
  ]);
}
