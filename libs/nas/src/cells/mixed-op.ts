/**
 * MixedOp (search only): every op of one set on the same input, summed with softmax
 * weights, `sum_o w_o * o(x)`. `none` contributes exactly zero, so it is not evaluated;
 * its alpha still receives gradient through the softmax. Excluded ops (search-space.ts)
 * are not built: their weight is exactly zero.
 */
import { tf, weightedSum, type Tensor, type Tensor4D } from '../../../tensor/src/index.js';
import type { Layer } from '../layers.js';
import type { ParamScope } from '../params.js';
import { OP_NAMES, createOp, type OpSet } from '../registry.js';
import { liveColumns } from '../search-space.js';

export class MixedOp {
  private readonly ops: Array<Layer | null>;
  /**
   * @param set which op set; column k of the weights weighs `OP_NAMES[set][k]`.
   * @param excluded ops of the set not to build (their weights must be 0).
   */
  constructor(
    scope: ParamScope,
    readonly set: OpSet,
    channels: number,
    excluded: readonly string[],
  ) {
    const live = liveColumns(set, excluded);
    this.ops = OP_NAMES[set].map((name, k) =>
      live.includes(k) ? createOp(name, scope.child(name), channels, false) : null,
    );
  }
  /**
   * @param x `[N, H, W, C]`
   * @param weights softmax weights for this edge, shape `[ops in set]`
   */
  apply(x: Tensor4D, weights: Tensor): Tensor4D {
    return tf.tidy(() => {
      const parts = tf.unstack(weights);
      const live = this.ops.flatMap((op, k) => (op === null ? [] : [k]));
      const terms = live.map((k) => this.ops[k]!.apply(x));
      return weightedSum(terms, tf.stack(live.map((k) => parts[k]!))) as Tensor4D;
    });
  }
}
