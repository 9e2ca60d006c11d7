/** Cell input preprocessing (spec section 2): ReLU -> 1x1 conv (-> C, optional stride 2) -> GN. */
import { type Tensor4D } from '../../../tensor/src/index.js';
import { Conv, GroupNorm, RELU, Sequential, type Layer } from '../layers.js';
import type { ParamScope } from '../params.js';

/** `[N, H, W, inChannels] -> [N, H/stride, W/stride, C]`. */
export function preprocess(
  scope: ParamScope,
  inChannels: number,
  channels: number,
  stride: number,
  affine: boolean,
): Layer {
  return new Sequential([
    RELU,
    new Conv(scope.child('conv'), inChannels, channels, { kernel: 1, stride }),
    new GroupNorm(scope.child('gn'), channels, affine),
  ]);
}

/** Two-input cell as the backbone sees it. */
export interface Cell<Ctx> {
  /** Output channels (M * C). */
  readonly outChannels: number;
  apply(s0: Tensor4D, s1: Tensor4D, ctx: Ctx): Tensor4D;
}
