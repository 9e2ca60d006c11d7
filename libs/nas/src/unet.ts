/**
 * Classic U-Net baseline (Ronneberger et al. 2015, with GroupNorm): per level two
 * 3x3 conv -> GN (affine) -> ReLU blocks, 2x2 max pool down, 2x2 stride-2 transposed
 * conv up, skip concatenation, 1x1 head with bias. Level l has `baseWidth * 2^l` channels.
 *
 * Input `[N, H, W, inChannels]` with H and W multiples of 2^depth; output logits
 * `[N, H, W, nClasses]`.
 */
import { tf, type Tensor4D, type Variable } from '../../tensor/src/index.js';
import {
  UNetConfigSchema,
  parseConfig,
  poolingSizeRule,
  type InputSizeRule,
  type UNetConfig,
} from './config.js';
import { Conv, GroupNorm, RELU, Sequential, type Layer } from './layers.js';
import { ParamStore, type ParamScope } from './params.js';
import { StoredWeightsNet } from './stored-weights-net.js';

/**
 * 2x2 stride-2 transposed conv with bias: each input pixel becomes a 2x2 output block.
 * Computed as a 1x1 conv to 4 * out channels followed by a pixel shuffle (reshape and
 * transpose), `[N, H, W, in] -> [N, 2H, 2W, out]`.
 */
class UpConv2x2 implements Layer {
  private readonly conv: Conv;
  private readonly b: Variable;
  constructor(
    scope: ParamScope,
    inChannels: number,
    private readonly outChannels: number,
  ) {
    this.conv = new Conv(scope.child('conv'), inChannels, 4 * outChannels, { kernel: 1 });
    this.b = scope.constant('b', [outChannels], 0);
  }
  apply(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const [n, h, w] = x.shape;
      const c = this.outChannels;
      const y = tf.reshape(this.conv.apply(x), [n, h, w, 2, 2, c]);
      const shuffled = tf.reshape(tf.transpose(y, [0, 1, 3, 2, 4, 5]), [n, 2 * h, 2 * w, c]);
      return tf.add(shuffled, this.b) as Tensor4D;
    });
  }
}

function doubleConv(scope: ParamScope, inChannels: number, outChannels: number): Layer {
  return new Sequential([
    new Conv(scope.child('conv1'), inChannels, outChannels),
    new GroupNorm(scope.child('gn1'), outChannels, true),
    RELU,
    new Conv(scope.child('conv2'), outChannels, outChannels),
    new GroupNorm(scope.child('gn2'), outChannels, true),
    RELU,
  ]);
}

export class UNet extends StoredWeightsNet {
  readonly config: UNetConfig;
  private readonly enc: Layer[] = [];
  private readonly ups: Layer[] = [];
  private readonly dec: Layer[] = [];
  private readonly head: Conv;

  /** @param opts.seed initialisation seed; equal seeds give identical nets. */
  constructor(config: unknown, opts: { seed?: number } = {}) {
    const cfg = parseConfig(UNetConfigSchema, config, 'config');
    super(new ParamStore(opts.seed ?? 0));
    this.config = cfg;
    const s = this.store.scope('');
    const width = (l: number): number => cfg.baseWidth * 2 ** l;
    for (let l = 0; l <= cfg.depth; l++) {
      this.enc.push(doubleConv(s.child(`enc${l}`), l === 0 ? cfg.inChannels : width(l - 1), width(l)));
    }
    for (let l = cfg.depth - 1; l >= 0; l--) {
      this.ups.push(new UpConv2x2(s.child(`up${l}`), width(l + 1), width(l)));
      this.dec.push(doubleConv(s.child(`dec${l}`), 2 * width(l), width(l)));
    }
    this.head = new Conv(s.child('head'), width(0), cfg.nClasses, { kernel: 1, bias: true });
  }

  /** H and W multiples of 2^depth. */
  protected sizeRule(): InputSizeRule {
    return poolingSizeRule('U-Net', this.config.depth);
  }

  protected forward(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const skips: Tensor4D[] = [];
      let y = x;
      this.enc.forEach((block, l) => {
        y = block.apply(l === 0 ? y : (tf.maxPool(y, 2, 2, 'valid') as Tensor4D));
        skips.push(y);
      });
      this.ups.forEach((up, k) => {
        const skip = skips[this.config.depth - 1 - k]!;
        y = this.dec[k]!.apply(tf.concat([up.apply(y), skip], 3) as Tensor4D);
      });
      return this.head.apply(y);
    });
  }
}
