/**
 * Search cells DownSC and UpSC (spec section 2): two preprocessed inputs, M intermediate
 * nodes, one MixedOp per edge, output = concat of the nodes (M * C channels). GroupNorm is
 * non-affine throughout.
 *
 * DownSC: s0 `[N, 2H, 2W, c0]`, s1 `[N, H, W, c1]` -> `[N, H/2, W/2, M*C]`.
 * UpSC:   s0 `[N, 2H, 2W, c0]` (skip), s1 `[N, H, W, c1]` -> `[N, 2H, 2W, M*C]`.
 */
import { tf, type Tensor, type Tensor4D } from '../../../tensor/src/index.js';
import { edgeIndex, edgeOpSet, type CellKind } from '../genotype.js';
import type { Layer } from '../layers.js';
import type { ParamScope } from '../params.js';
import { MixedOp } from './mixed-op.js';
import { preprocess, type Cell } from './preprocess.js';

/** Softmaxed alpha rows passed to every search cell: `[E, 6]`, `[E, 4]`, `[E, 7]` (excluded ops 0). */
export interface EdgeWeights {
  down: Tensor[];
  up: Tensor[];
  normal: Tensor[];
}

export class SearchCell implements Cell<EdgeWeights> {
  readonly outChannels: number;
  private readonly pre0: Layer;
  private readonly pre1: Layer;
  private readonly edges: MixedOp[] = [];
  constructor(
    scope: ParamScope,
    readonly kind: CellKind,
    c0: number,
    c1: number,
    channels: number,
    readonly nodes: number,
    excludedOps: readonly string[],
  ) {
    this.outChannels = nodes * channels;
    this.pre0 = preprocess(scope.child('pre0'), c0, channels, kind === 'down' ? 2 : 1, false);
    this.pre1 = preprocess(scope.child('pre1'), c1, channels, 1, false);
    for (let node = 0; node < nodes; node++) {
      for (let input = 0; input < node + 2; input++) {
        this.edges.push(
          new MixedOp(
            scope.child(`e${edgeIndex(node, input)}`),
            edgeOpSet(kind, input),
            channels,
            excludedOps,
          ),
        );
      }
    }
  }
  apply(s0: Tensor4D, s1: Tensor4D, weights: EdgeWeights): Tensor4D {
    return tf.tidy(() => {
      const states: Tensor4D[] = [this.pre0.apply(s0), this.pre1.apply(s1)];
      for (let node = 0; node < this.nodes; node++) {
        let sum: Tensor4D | null = null;
        for (let input = 0; input < node + 2; input++) {
          const e = edgeIndex(node, input);
          const edge = this.edges[e]!;
          const y = edge.apply(states[input]!, weights[edge.set][e]!);
          sum = sum === null ? y : (tf.add(sum, y) as Tensor4D);
        }
        states.push(sum!);
      }
      return tf.concat(states.slice(2), 3) as Tensor4D;
    });
  }
}
