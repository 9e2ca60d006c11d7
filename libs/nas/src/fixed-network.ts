/**
 * The derived (final) NAS-Unet built from a genotype (spec sections 2-3): DownSC/UpSC
 * cells with the genotype's ops, affine GroupNorm, stems of S = 4C channels.
 *
 * Input `[N, H, W, inChannels]` float32 with H and W multiples of 2^(depth+1); output
 * logits `[N, H, W, nClasses]`.
 *
 * @example
 * ```ts
 * await initBackend({ backend: 'cpu' });
 * const net = FixedNetwork.fromGenotype(referenceGenotype('v2'), { inChannels: 1, nClasses: 2, channels: 4, depth: 2, nodes: 3 });
 * const logits = net.apply(tf.zeros([1, 16, 16, 1]), false); // [1, 16, 16, 2]
 * ```
 */
import { type Tensor4D } from '../../tensor/src/index.js';
import { ValidationError } from '../../core/src/errors.js';
import { Backbone } from './backbone.js';
import { FixedCell } from './cells/fixed-cell.js';
import {
  NasUnetConfigSchema,
  nasUnetSizeRule,
  parseConfig,
  type InputSizeRule,
  type NasUnetConfig,
} from './config.js';
import type { Genotype } from './contracts.js';
import { parseGenotype } from './genotype.js';
import { ParamStore } from './params.js';
import { StoredWeightsNet } from './stored-weights-net.js';
import './ops/all.js';

/** Stem width multiplier of the derived net: S = 4C (spec section 3). */
export const DERIVED_STEM_MULTIPLIER = 4;

export class FixedNetwork extends StoredWeightsNet {
  readonly config: NasUnetConfig;
  readonly genotype: Genotype;
  private readonly backbone: Backbone<void>;

  private constructor(genotype: Genotype, config: NasUnetConfig, seed: number) {
    super(new ParamStore(seed));
    this.genotype = genotype;
    this.config = config;
    this.backbone = new Backbone<void>(
      this.store.scope(''),
      config,
      DERIVED_STEM_MULTIPLIER * config.channels,
      true,
      (scope, kind, _index, c0, c1) => new FixedCell(scope, kind, c0, c1, config.channels, genotype[kind]),
    );
  }

  /**
   * Builds the derived net. The genotype is validated (`InvalidGenotypeError`), the config
   * too (`ValidationError`), and `config.nodes` must equal `genotype.nodes`.
   * @param seed weight-initialisation seed; equal seeds give identical nets.
   */
  static fromGenotype(genotype: unknown, config: unknown, opts: { seed?: number } = {}): FixedNetwork {
    const g = parseGenotype(genotype);
    const cfg = parseConfig(NasUnetConfigSchema, config, 'config');
    if (cfg.nodes !== g.nodes) {
      throw new ValidationError(`config.nodes: ${cfg.nodes} does not match genotype.nodes ${g.nodes}`);
    }
    return new FixedNetwork(g, cfg, opts.seed ?? 0);
  }

  /** H and W multiples of 2^(depth+1). */
  protected sizeRule(): InputSizeRule {
    return nasUnetSizeRule(this.config.depth);
  }

  protected forward(x: Tensor4D): Tensor4D {
    return this.backbone.apply(x, undefined);
  }
}
