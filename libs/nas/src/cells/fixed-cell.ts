/**
 * Derived cells (spec section 2 with a genotype): each node sums the two ops its genotype
 * pairs name, applied to their inputs; output = concat of the M nodes (M * C channels).
 * GroupNorm is affine. Shapes as in `SearchCell`.
 */
import { tf, type Tensor4D } from '../../../tensor/src/index.js';
import type { CellKind } from '../genotype.js';
import type { Layer } from '../layers.js';
import type { ParamScope } from '../params.js';
import { createOp } from '../registry.js';
import { preprocess, type Cell } from './preprocess.js';

export class FixedCell implements Cell<void> {
  readonly outChannels: number;
  readonly nodes: number;
  private readonly pre0: Layer;
  private readonly pre1: Layer;
  private readonly ops: Array<{ op: Layer; input: number }>;
  /** @param pairs the genotype half for this kind: 2 (op, input) pairs per node. */
  constructor(
    scope: ParamScope,
    kind: CellKind,
    c0: number,
    c1: number,
    channels: number,
    pairs: Array<[string, number]>,
  ) {
    this.nodes = pairs.length / 2;
    this.outChannels = this.nodes * channels;
    this.pre0 = preprocess(scope.child('pre0'), c0, channels, kind === 'down' ? 2 : 1, true);
    this.pre1 = preprocess(scope.child('pre1'), c1, channels, 1, true);
    this.ops = pairs.map(([name, input], k) => ({
      op: createOp(name, scope.child(`op${k}_${name}`), channels, true),
      input,
    }));
  }
  apply(s0: Tensor4D, s1: Tensor4D): Tensor4D {
    return tf.tidy(() => {
      const states: Tensor4D[] = [this.pre0.apply(s0), this.pre1.apply(s1)];
      for (let node = 0; node < this.nodes; node++) {
        const a = this.ops[2 * node]!;
        const b = this.ops[2 * node + 1]!;
        states.push(tf.add(a.op.apply(states[a.input]!), b.op.apply(states[b.input]!)) as Tensor4D);
      }
      return tf.concat(states.slice(2), 3) as Tensor4D;
    });
  }
}
