/**
 * Model bundles for the ONNX tests and bench: a network of a preset (or any config) whose
 * every weight (norm scales and shifts and biases too, which start at 1 and 0) is moved
 * by seeded noise, so a misplaced or mis-laid-out weight shows in the outputs.
 */
import {
  createModel,
  createModelBundle,
  type Genotype,
  type ModelBundle,
  type NamedWeightsNet,
} from '../../../nas/src/index.js';
import { tf, uniformArray } from '../../../tensor/src/index.js';

/** Every op of the three sets in one genotype (6 nodes), for the coverage tests. */
export const ALL_OPS_GENOTYPE: Genotype = {
  version: 1,
  nodes: 6,
  down: [
    ['avg_pool', 0],
    ['max_pool', 1],
    ['down_cweight', 0],
    ['cweight', 2],
    ['down_dil_conv', 1],
    ['dil_conv', 3],
    ['down_dep_conv', 0],
    ['dep_conv', 4],
    ['down_conv', 1],
    ['shuffle_conv', 5],
    ['identity', 2],
    ['conv', 6],
  ],
  up: [
    ['up_cweight', 1],
    ['conv', 0],
    ['up_dep_conv', 1],
    ['cweight', 2],
    ['up_conv', 1],
    ['dil_conv', 3],
    ['up_dil_conv', 1],
    ['dep_conv', 4],
    ['shuffle_conv', 0],
    ['identity', 5],
    ['identity', 2],
    ['conv', 6],
  ],
};

/** A network and its bundle (the caller disposes `net`). */
export interface TestModel {
  net: NamedWeightsNet;
  bundle: ModelBundle;
}

/**
 * Builds `key` with `config` (and `genotype` for nasunet), adds uniform noise of
 * amplitude `noise` to every weight, and packs it with a z-score, 1-channel preprocessing
 * padding to `padMultiple`.
 */
export function noisyModel(
  key: 'nasunet' | 'unet' | 'fcdensenet',
  config: Record<string, number>,
  opts: { genotype?: Genotype; seed?: number; noise?: number; padMultiple: number },
): TestModel {
  const net = createModel(key, config, opts.genotype ? { genotype: opts.genotype } : {});
  const amp = opts.noise ?? 0.1;
  for (const [k, { variable }] of net.namedWeights().entries()) {
    const base = variable.dataSync() as Float32Array;
    const noise = uniformArray(base.length, (opts.seed ?? 7) * 1000 + k, -amp, amp);
    tf.tidy(() =>
      variable.assign(
        tf.tensor(
          base.map((v, i) => v + noise[i]!),
          variable.shape,
        ),
      ),
    );
  }
  const bundle = zscoreBundle(net, key, config, opts);
  return { net, bundle };
}

/**
 * Packs `net` (architecture `key` with `config`) with a z-score, 1-slice preprocessing
 * padding to `padMultiple`, and classes named `class<k>`.
 */
export function zscoreBundle(
  net: NamedWeightsNet,
  key: 'nasunet' | 'unet' | 'fcdensenet',
  config: Record<string, number>,
  opts: { genotype?: Genotype; padMultiple: number },
): ModelBundle {
  return createModelBundle(net, {
    architecture: { key, config },
    genotype: opts.genotype ?? null,
    preprocessing: {
      inputChannels: config['inChannels']!,
      sliceAxis: 2,
      orientation: 'RAS',
      spacingMm: null,
      normalization: { kind: 'zscore' },
      padMultiple: opts.padMultiple,
      classes: Array.from({ length: config['nClasses']! }, (_, k) => ({ code: k, name: `class${k}` })),
    },
  });
}
