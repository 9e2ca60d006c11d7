/**
 * Channel-attention ops (spec section 1): `cweight` = SE only (shape preserving);
 * `down_cweight` = SE -> 3x3 conv stride 2 -> GN (H/2); `up_cweight` = SE -> 3x3
 * transposed conv stride 2 -> GN (exactly 2H x 2W). No ReLU after the norm.
 */
import { Conv, GroupNorm, Sequential, SqueezeExcite, TransposedConv } from '../layers.js';
import { registerOp } from '../registry.js';

registerOp('cweight', (s, c) => new SqueezeExcite(s.child('se'), c));
registerOp(
  'down_cweight',
  (s, c, affine) =>
    new Sequential([
      new SqueezeExcite(s.child('se'), c),
      new Conv(s.child('conv'), c, c, { stride: 2 }),
      new GroupNorm(s.child('gn'), c, affine),
    ]),
);
registerOp(
  'up_cweight',
  (s, c, affine) =>
    new Sequential([
      new SqueezeExcite(s.child('se'), c),
      new TransposedConv(s.child('tconv'), c, c),
      new GroupNorm(s.child('gn'), c, affine),
    ]),
);
