/**
 * FC-DenseNet baseline ("The One Hundred Layers Tiramisu", Jegou et al. 2017), which the
 * NAS-Unet paper compares against; GroupNorm (affine) replaces batch norm, no dropout.
 *
 * - first: 3x3 conv, `inChannels -> firstChannels`;
 * - down level l: dense block (L layers of GN -> ReLU -> 3x3 conv adding k channels; each
 *   layer sees the block input and every earlier layer), output = input + new features,
 *   kept as the skip; then transition down (GN -> ReLU -> 1x1 conv -> 2x2 max pool);
 * - bottleneck: dense block whose new features (L*k) go up;
 * - up level l: 3x3 transposed conv stride 2 on the L*k new features, concat the skip,
 *   dense block; its new features go up, except at the last level, where input + new
 *   features go to the 1x1 head (with bias).
 *
 * Input `[N, H, W, inChannels]` with H and W multiples of 2^depth; output logits
 * `[N, H, W, nClasses]`.
 */
import { tf, type Tensor4D } from '../../tensor/src/index.js';
import {
  FcDenseNetConfigSchema,
  parseConfig,
  poolingSizeRule,
  type FcDenseNetConfig,
  type InputSizeRule,
} from './config.js';
import { Conv, GroupNorm, RELU, Sequential, TransposedConv, type Layer } from './layers.js';
import { ParamStore, type ParamScope } from './params.js';
import { StoredWeightsNet } from './stored-weights-net.js';

/** Dense block: L layers, each `GN -> ReLU -> 3x3 conv (-> k)` on the concat of all before it. */
class DenseBlock {
  private readonly layers: Layer[] = [];
  constructor(scope: ParamScope, inChannels: number, layers: number, growth: number) {
    for (let i = 0; i < layers; i++) {
      const c = inChannels + i * growth;
      this.layers.push(
        new Sequential([
          new GroupNorm(scope.child(`l${i}.gn`), c, true),
          RELU,
          new Conv(scope.child(`l${i}.conv`), c, growth),
        ]),
      );
    }
  }
  /** Returns `[input + new features, new features]` (channel concatenations). */
  apply(x: Tensor4D): [Tensor4D, Tensor4D] {
    return tf.tidy(() => {
      let all = x;
      const fresh: Tensor4D[] = [];
      for (const layer of this.layers) {
        const y = layer.apply(all);
        fresh.push(y);
        all = tf.concat([all, y], 3) as Tensor4D;
      }
      return [all, tf.concat(fresh, 3) as Tensor4D];
    });
  }
}

export class FcDenseNet extends StoredWeightsNet {
  readonly config: FcDenseNetConfig;
  private readonly first: Conv;
  private readonly down: DenseBlock[] = [];
  private readonly transDown: Layer[] = [];
  private readonly bottleneck: DenseBlock;
  private readonly transUp: Layer[] = [];
  private readonly up: DenseBlock[] = [];
  private readonly head: Conv;

  /** @param opts.seed initialisation seed; equal seeds give identical nets. */
  constructor(config: unknown, opts: { seed?: number } = {}) {
    const cfg = parseConfig(FcDenseNetConfigSchema, config, 'config');
    super(new ParamStore(opts.seed ?? 0));
    this.config = cfg;
    const s = this.store.scope('');
    const { layersPerBlock: n, growthRate: k } = cfg;
    this.first = new Conv(s.child('first'), cfg.inChannels, cfg.firstChannels);
    let m = cfg.firstChannels;
    const skips: number[] = [];
    for (let l = 0; l < cfg.depth; l++) {
      this.down.push(new DenseBlock(s.child(`down${l}`), m, n, k));
      m += n * k;
      skips.push(m);
      this.transDown.push(
        new Sequential([
          new GroupNorm(s.child(`td${l}.gn`), m, true),
          RELU,
          new Conv(s.child(`td${l}.conv`), m, m, { kernel: 1 }),
          { apply: (x) => tf.maxPool(x, 2, 2, 'valid') },
        ]),
      );
    }
    this.bottleneck = new DenseBlock(s.child('bottleneck'), m, n, k);
    let out = 0;
    for (let l = cfg.depth - 1; l >= 0; l--) {
      this.transUp.push(new TransposedConv(s.child(`tu${l}`), n * k, n * k));
      const c = n * k + skips[l]!;
      this.up.push(new DenseBlock(s.child(`up${l}`), c, n, k));
      out = c + n * k;
    }
    this.head = new Conv(s.child('head'), out, cfg.nClasses, { kernel: 1, bias: true });
  }

  /** H and W multiples of 2^depth. */
  protected sizeRule(): InputSizeRule {
    return poolingSizeRule('FC-DenseNet', this.config.depth);
  }

  protected forward(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      let y = this.first.apply(x);
      const skips: Tensor4D[] = [];
      this.down.forEach((block, l) => {
        const [all] = block.apply(y);
        skips.push(all);
        y = this.transDown[l]!.apply(all);
      });
      let fresh = this.bottleneck.apply(y)[1];
      let last = fresh;
      this.up.forEach((block, j) => {
        const skip = skips[this.config.depth - 1 - j]!;
        const [all, nw] = block.apply(tf.concat([this.transUp[j]!.apply(fresh), skip], 3) as Tensor4D);
        fresh = nw;
        last = all;
      });
      return this.head.apply(last);
    });
  }
}
