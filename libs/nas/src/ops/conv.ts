/**
 * Convolution ops: dense, dilated, depthwise-separable and grouped+shuffled 3x3 convs,
 * each followed by GroupNorm and ReLU (spec section 1). C in = C out; stride-2 variants
 * map `[N, H, W, C] -> [N, H/2, W/2, C]`.
 */
import {
  tf,
  type Tensor4D,
  type Variable,
  groupedConv2d,
  channelShuffle,
} from '../../../tensor/src/index.js';
import { Conv, DepthwiseConv, GroupNorm, RELU, Sequential, type Layer } from '../layers.js';
import type { ParamScope } from '../params.js';
import { registerOp } from '../registry.js';

/** 3x3 conv (stride, dilation) -> GN -> ReLU. */
export function convNormRelu(
  scope: ParamScope,
  inChannels: number,
  outChannels: number,
  opts: { stride?: number; dilation?: number; affine: boolean },
): Layer {
  return new Sequential([
    new Conv(scope.child('conv'), inChannels, outChannels, {
      stride: opts.stride ?? 1,
      dilation: opts.dilation ?? 1,
    }),
    new GroupNorm(scope.child('gn'), outChannels, opts.affine),
    RELU,
  ]);
}

/** 3x3 depthwise (stride) -> 1x1 pointwise -> GN -> ReLU. */
export function depthwiseSeparable(
  scope: ParamScope,
  channels: number,
  stride: number,
  affine: boolean,
): Layer {
  return new Sequential([
    new DepthwiseConv(scope.child('dw'), channels, stride),
    new Conv(scope.child('pw'), channels, channels, { kernel: 1 }),
    new GroupNorm(scope.child('gn'), channels, affine),
    RELU,
  ]);
}

/**
 * 3x3 grouped conv (2 groups when C is even, else 1) -> channel shuffle -> GN -> ReLU.
 * Filter shape `[3, 3, C/groups, C]`.
 */
export class ShuffleConv implements Layer {
  readonly groups: number;
  private readonly w: Variable;
  private readonly norm: GroupNorm;
  constructor(scope: ParamScope, channels: number, affine: boolean) {
    this.groups = channels % 2 === 0 ? 2 : 1;
    this.w = scope.he('conv.w', [3, 3, channels / this.groups, channels]);
    this.norm = new GroupNorm(scope.child('gn'), channels, affine);
  }
  apply(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const y = channelShuffle(groupedConv2d(x, this.w as unknown as Tensor4D, this.groups), this.groups);
      return tf.relu(this.norm.apply(y));
    });
  }
}

registerOp('conv', (s, c, affine) => convNormRelu(s, c, c, { affine }));
registerOp('dil_conv', (s, c, affine) => convNormRelu(s, c, c, { dilation: 2, affine }));
registerOp('down_conv', (s, c, affine) => convNormRelu(s, c, c, { stride: 2, affine }));
registerOp('down_dil_conv', (s, c, affine) => convNormRelu(s, c, c, { stride: 2, dilation: 2, affine }));
registerOp('dep_conv', (s, c, affine) => depthwiseSeparable(s, c, 1, affine));
registerOp('down_dep_conv', (s, c, affine) => depthwiseSeparable(s, c, 2, affine));
registerOp('shuffle_conv', (s, c, affine) => new ShuffleConv(s, c, affine));
