/**
 * Up ops (x2): `[N, H, W, C] -> [N, 2H, 2W, C]` exactly. Transposed convs are built as
 * zero-insertion upsampling followed by a stride-1 conv (spec section 6), so they train
 * on every backend. `up_dil_conv` uses dilation 2 after zero insertion, which is the same
 * function as the reference's stride-2, dilation-2 transposed conv.
 */
import { Conv, GroupNorm, RELU, Sequential, TransposedConv, TransposedDepthwiseConv } from '../layers.js';
import { registerOp } from '../registry.js';

registerOp(
  'up_conv',
  (s, c, affine) =>
    new Sequential([
      new TransposedConv(s.child('tconv'), c, c),
      new GroupNorm(s.child('gn'), c, affine),
      RELU,
    ]),
);
registerOp(
  'up_dil_conv',
  (s, c, affine) =>
    new Sequential([
      new TransposedConv(s.child('tconv'), c, c, { dilation: 2 }),
      new GroupNorm(s.child('gn'), c, affine),
      RELU,
    ]),
);
registerOp(
  'up_dep_conv',
  (s, c, affine) =>
    new Sequential([
      new TransposedDepthwiseConv(s.child('dw'), c),
      new Conv(s.child('pw'), c, c, { kernel: 1 }),
      new GroupNorm(s.child('gn'), c, affine),
      RELU,
    ]),
);
