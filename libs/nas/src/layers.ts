/**
 * Parameterised building blocks shared by the ops, cells and networks: GroupNorm, plain
 * and depthwise convolutions, transposed convolutions by zero insertion, and the SE
 * channel-attention block. All tensors are NHWC float32; callers own returned tensors and
 * no layer disposes its input.
 */
import {
  tf,
  type Tensor4D,
  type Variable,
  conv2dSame,
  depthwiseConv2dSame,
  groupNorm,
  zeroInsertUpsample2x,
} from '../../tensor/src/index.js';
import type { ParamScope } from './params.js';

/** Anything that maps an NHWC tensor to an NHWC tensor. */
export interface Layer {
  apply(x: Tensor4D): Tensor4D;
}

/** Number of GroupNorm groups for C channels: C/16 when C % 16 == 0, else 1 (spec section 1). */
export function groupCount(channels: number): number {
  return channels % 16 === 0 ? channels / 16 : 1;
}

/**
 * GroupNorm over NHWC: statistics per sample and per group of channels, taken over H, W
 * and the group's channels (eps 1e-5). With `affine`, a per-channel scale (init 1) and
 * shift (init 0) follow; without, it has no parameters (search supernet). Computed by
 * `groupNorm` (libs/tensor), whose gradient is written out.
 */
export class GroupNorm implements Layer {
  readonly groups: number;
  private readonly gamma?: Variable;
  private readonly beta?: Variable;
  constructor(
    scope: ParamScope,
    readonly channels: number,
    affine: boolean,
  ) {
    this.groups = groupCount(channels);
    if (affine) {
      this.gamma = scope.constant('gamma', [channels], 1);
      this.beta = scope.constant('beta', [channels], 0);
    }
  }
  apply(x: Tensor4D): Tensor4D {
    return groupNorm(x, this.groups, 1e-5, this.gamma, this.beta);
  }
}

/** Conv options in the shared vocabulary. */
export interface ConvOpts {
  kernel?: number;
  stride?: number;
  dilation?: number;
  bias?: boolean;
}

/**
 * Dense 2-D conv, 'same' padding, `[N, H, W, inChannels] -> [N, ceil(H/stride),
 * ceil(W/stride), outChannels]`. Stride 2 with dilation 2 is allowed (see `conv2dSame`).
 */
export class Conv implements Layer {
  readonly w: Variable;
  readonly b?: Variable;
  readonly stride: number;
  readonly dilation: number;
  constructor(scope: ParamScope, inChannels: number, outChannels: number, opts: ConvOpts = {}) {
    const k = opts.kernel ?? 3;
    this.stride = opts.stride ?? 1;
    this.dilation = opts.dilation ?? 1;
    this.w = scope.he('w', [k, k, inChannels, outChannels]);
    if (opts.bias === true) this.b = scope.constant('b', [outChannels], 0);
  }
  apply(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const y = conv2dSame(x, this.w as unknown as Tensor4D, this.stride, this.dilation);
      return this.b === undefined ? y : (tf.add(y, this.b) as Tensor4D);
    });
  }
}

/** Depthwise 3x3 conv (multiplier 1), 'same' padding; `[k, k, C, 1]` filter, He init with fan-in k*k. */
export class DepthwiseConv implements Layer {
  readonly w: Variable;
  constructor(
    scope: ParamScope,
    channels: number,
    private readonly stride = 1,
    private readonly dilation = 1,
    kernel = 3,
  ) {
    this.w = scope.he('w', [kernel, kernel, channels, 1], kernel * kernel);
  }
  apply(x: Tensor4D): Tensor4D {
    return depthwiseConv2dSame(x, this.w as unknown as Tensor4D, this.stride, this.dilation);
  }
}

/**
 * Stride-2 transposed conv giving exactly `[N, 2H, 2W, out]`: zero-insertion upsampling
 * followed by a stride-1 'same' conv (optionally dilated). This is the same function as a
 * PyTorch `ConvTranspose2d(k, stride 2, output_padding 1)` up to a kernel flip, and only
 * uses ops that have gradients on every backend.
 */
export class TransposedConv implements Layer {
  private readonly conv: Conv;
  constructor(
    scope: ParamScope,
    inChannels: number,
    outChannels: number,
    opts: { kernel?: number; dilation?: number } = {},
  ) {
    this.conv = new Conv(scope, inChannels, outChannels, {
      kernel: opts.kernel ?? 3,
      dilation: opts.dilation ?? 1,
    });
  }
  apply(x: Tensor4D): Tensor4D {
    return tf.tidy(() => this.conv.apply(zeroInsertUpsample2x(x)));
  }
}

/** Depthwise counterpart of {@link TransposedConv}: zero insertion then a 3x3 depthwise conv. */
export class TransposedDepthwiseConv implements Layer {
  private readonly conv: DepthwiseConv;
  constructor(scope: ParamScope, channels: number) {
    this.conv = new DepthwiseConv(scope, channels);
  }
  apply(x: Tensor4D): Tensor4D {
    return tf.tidy(() => this.conv.apply(zeroInsertUpsample2x(x)));
  }
}

/**
 * Squeeze-and-excitation channel attention (spec section 1): global average pool ->
 * dense(C -> max(1, floor(C/16))) + ReLU -> dense(-> C) + sigmoid -> multiply the input
 * channel-wise. Dense layers have bias. Shape preserving.
 */
export class SqueezeExcite implements Layer {
  private readonly w1: Variable;
  private readonly b1: Variable;
  private readonly w2: Variable;
  private readonly b2: Variable;
  constructor(scope: ParamScope, channels: number) {
    const r = Math.max(1, Math.floor(channels / 16));
    this.w1 = scope.dense('fc1.w', channels, r);
    this.b1 = scope.constant('fc1.b', [r], 0);
    this.w2 = scope.dense('fc2.w', r, channels);
    this.b2 = scope.constant('fc2.b', [channels], 0);
  }
  apply(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const [n, , , c] = x.shape;
      const pooled = tf.mean(x, [1, 2]);
      const hidden = tf.relu(tf.add(tf.matMul(pooled, this.w1), this.b1));
      const gate = tf.sigmoid(tf.add(tf.matMul(hidden, this.w2), this.b2));
      return tf.mul(x, tf.reshape(gate, [n, 1, 1, c])) as Tensor4D;
    });
  }
}

/** ReLU as a layer. */
export const RELU: Layer = { apply: (x) => tf.relu(x) };

/** Applies layers in order, disposing intermediates. */
export class Sequential implements Layer {
  constructor(private readonly layers: readonly Layer[]) {}
  apply(x: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      let y = x;
      for (const l of this.layers) y = l.apply(y);
      return y === x ? tf.clone(x) : y;
    });
  }
}
