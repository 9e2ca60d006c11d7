/**
 * The NAS-Unet search supernet (spec sections 2-4): every edge is a MixedOp over its op
 * set, GroupNorm is non-affine everywhere, stems have S = M*C channels, and three alpha
 * matrices (init 1e-3 * N(0, 1)) are shared by all cells: `alpha_down [E, 6]`,
 * `alpha_up [E, 4]`, `alpha_normal [E, 7]` with E = sum_{i<M}(2+i). `config.excludedOps`
 * (default none) leaves candidate ops out (search-space.ts): their logits are masked, so
 * their weights are exactly 0, and the derivation never picks them.
 *
 * Methods overview: `apply` (forward, `[N, H, W, Cin] -> [N, H, W, nClasses]`, H and W
 * multiples of 2^(depth+1)); `weightParams` / `archParams` (disjoint sets for the two
 * optimisers); `deriveGenotype` (spec section 4); `alphaArrays` (plain copies for logs).
 *
 * @example
 * ```ts
 * await initBackend({ backend: 'cpu' });
 * const net = new SearchNetwork({ inChannels: 1, nClasses: 2, channels: 4, depth: 2, nodes: 3 }, { seed: 1 });
 * const logits = net.apply(tf.zeros([1, 16, 16, 1]), true); // [1, 16, 16, 2]
 * const genotype = net.deriveGenotype();
 * ```
 */
import { tf, type Tensor, type Tensor4D, type Variable } from '../../tensor/src/index.js';
import { Backbone } from './backbone.js';
import { SearchCell, type EdgeWeights } from './cells/search-cell.js';
import {
  NasUnetSearchConfigSchema,
  nasUnetSizeRule,
  parseConfig,
  type InputSizeRule,
  type NasUnetSearchConfig,
} from './config.js';
import type { Genotype, NamedSearchNet, NamedWeight } from './contracts.js';
import { deriveGenotypeFromAlphas, type AlphaArrays } from './derive.js';
import { edgeCount } from './genotype.js';
import { ParamStore } from './params.js';
import { DOWN_OPS, NORMAL_OPS, UP_OPS, type OpSet } from './registry.js';
import { alphaMask } from './search-space.js';
import { StoredWeightsNet } from './stored-weights-net.js';
import './ops/all.js';

/** Standard deviation of the alpha initialisation. */
export const ALPHA_INIT_STD = 1e-3;

export class SearchNetwork extends StoredWeightsNet implements NamedSearchNet {
  readonly config: NasUnetSearchConfig;
  readonly alphaDown: Variable;
  readonly alphaUp: Variable;
  readonly alphaNormal: Variable;
  private readonly alphas: ParamStore;
  private readonly backbone: Backbone<EdgeWeights>;
  /** Logit offsets per set (down, up, normal) when ops are excluded; null: none are. */
  private readonly masks: Tensor[] | null;

  /** @param opts.seed initialisation seed of weights and alphas; equal seeds give identical nets. */
  constructor(config: unknown, opts: { seed?: number } = {}) {
    const cfg = parseConfig(NasUnetSearchConfigSchema, config, 'config');
    const seed = opts.seed ?? 0;
    super(new ParamStore(seed));
    this.config = cfg;
    this.alphas = new ParamStore(seed);
    const e = edgeCount(cfg.nodes);
    const a = this.alphas.scope('');
    this.alphaDown = a.normal('alpha_down', [e, DOWN_OPS.length], ALPHA_INIT_STD);
    this.alphaUp = a.normal('alpha_up', [e, UP_OPS.length], ALPHA_INIT_STD);
    this.alphaNormal = a.normal('alpha_normal', [e, NORMAL_OPS.length], ALPHA_INIT_STD);
    this.backbone = new Backbone<EdgeWeights>(
      this.store.scope(''),
      cfg,
      cfg.nodes * cfg.channels,
      false,
      (scope, kind, _index, c0, c1) =>
        new SearchCell(scope, kind, c0, c1, cfg.channels, cfg.nodes, cfg.excludedOps),
    );
    this.masks =
      cfg.excludedOps.length === 0
        ? null
        : (['down', 'up', 'normal'] as OpSet[]).map((set) => tf.tensor1d(alphaMask(set, cfg.excludedOps)));
  }

  /** The mixed ops' weights: softmax of each alpha matrix's rows, excluded ops masked to 0. */
  private edgeWeightMatrices(): Tensor[] {
    return this.archParams().map((a, i) => tf.softmax(this.masks === null ? a : tf.add(a, this.masks[i]!)));
  }

  /** H and W multiples of 2^(depth+1). */
  protected sizeRule(): InputSizeRule {
    return nasUnetSizeRule(this.config.depth);
  }

  protected forward(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const [down, up, normal] = this.edgeWeightMatrices();
      const w: EdgeWeights = { down: tf.unstack(down!), up: tf.unstack(up!), normal: tf.unstack(normal!) };
      return this.backbone.apply(x, w);
    });
  }
  archParams(): Variable[] {
    return [this.alphaDown, this.alphaUp, this.alphaNormal];
  }
  /** The mixed ops' weights per alpha matrix `[down, up, normal]`, rows of `[E][ops]` (excluded ops 0). */
  softmaxAlphas(): number[][][] {
    return tf.tidy(() => this.edgeWeightMatrices().map((m) => m.arraySync() as number[][]));
  }
  namedArchParams(): NamedWeight[] {
    return this.alphas.list();
  }
  /** Current alphas as nested arrays (copies). */
  alphaArrays(): AlphaArrays {
    return {
      down: this.alphaDown.arraySync() as number[][],
      up: this.alphaUp.arraySync() as number[][],
      normal: this.alphaNormal.arraySync() as number[][],
    };
  }
  deriveGenotype(): Genotype {
    return deriveGenotypeFromAlphas(this.alphaArrays(), this.config.nodes, this.config.excludedOps);
  }
  /** {@link alphaArrays} with asynchronous reads (required on `webgpu`, where sync reads fail in Node). */
  async alphaArraysAsync(): Promise<AlphaArrays> {
    return {
      down: (await this.alphaDown.array()) as number[][],
      up: (await this.alphaUp.array()) as number[][],
      normal: (await this.alphaNormal.array()) as number[][],
    };
  }
  /** {@link deriveGenotype} with asynchronous reads (use on `webgpu`). */
  async deriveGenotypeAsync(): Promise<Genotype> {
    return deriveGenotypeFromAlphas(
      await this.alphaArraysAsync(),
      this.config.nodes,
      this.config.excludedOps,
    );
  }
  /** Releases the weights and the alphas. */
  override dispose(): void {
    super.dispose();
    this.alphas.dispose();
    this.masks?.forEach((m) => m.dispose());
  }
}
