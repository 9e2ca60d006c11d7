/**
 * The NAS-Unet backbone shared by the search supernet and the derived network (spec
 * section 3):
 * ```
 * stem0 = 1x1 conv -> GN            [N, H, W, S]
 * stem1 = 3x3 conv stride 2 -> GN   [N, H/2, W/2, S]       (both from the input)
 * depth x DownSC                    H/4 ... H/2^(depth+1), M*C channels
 * (depth+1) x UpSC                  skips from the matching encoder outputs, the last from stem0
 * head  = 1x1 conv -> nClasses      full resolution, no bias
 * ```
 * Encoder outputs e[0] = stem0, e[1] = stem1, e[k+2] = DownSC k. DownSC k reads
 * (e[k], e[k+1]); UpSC j reads (s0 = e[depth - j], s1 = previous output).
 */
import { tf, type Tensor4D } from '../../tensor/src/index.js';
import { Conv, GroupNorm, Sequential, type Layer } from './layers.js';
import type { ParamScope } from './params.js';
import type { Cell } from './cells/preprocess.js';
import type { NasUnetConfig } from './config.js';
import type { CellKind } from './genotype.js';

/** Builds one cell given its kind, index and input channel counts. */
export type CellBuilder<Ctx> = (
  scope: ParamScope,
  kind: CellKind,
  index: number,
  c0: number,
  c1: number,
) => Cell<Ctx>;

export class Backbone<Ctx> {
  private readonly stem0: Layer;
  private readonly stem1: Layer;
  private readonly down: Array<Cell<Ctx>> = [];
  private readonly up: Array<Cell<Ctx>> = [];
  private readonly head: Conv;
  /** @param stemChannels S (4C in the derived net, M*C in the supernet). */
  constructor(
    scope: ParamScope,
    cfg: NasUnetConfig,
    stemChannels: number,
    affine: boolean,
    build: CellBuilder<Ctx>,
  ) {
    const s = stemChannels;
    this.stem0 = new Sequential([
      new Conv(scope.child('stem0.conv'), cfg.inChannels, s, { kernel: 1 }),
      new GroupNorm(scope.child('stem0.gn'), s, affine),
    ]);
    this.stem1 = new Sequential([
      new Conv(scope.child('stem1.conv'), cfg.inChannels, s, { kernel: 3, stride: 2 }),
      new GroupNorm(scope.child('stem1.gn'), s, affine),
    ]);
    const enc: number[] = [s, s];
    for (let k = 0; k < cfg.depth; k++) {
      const cell = build(scope.child(`down${k}`), 'down', k, enc[k]!, enc[k + 1]!);
      this.down.push(cell);
      enc.push(cell.outChannels);
    }
    let prev = enc[cfg.depth + 1]!;
    for (let j = 0; j <= cfg.depth; j++) {
      const cell = build(scope.child(`up${j}`), 'up', j, enc[cfg.depth - j]!, prev);
      this.up.push(cell);
      prev = cell.outChannels;
    }
    this.head = new Conv(scope.child('head'), prev, cfg.nClasses, { kernel: 1 });
  }

  /** `[N, H, W, Cin] -> [N, H, W, nClasses]` logits; the caller checks the input shape. */
  apply(x: Tensor4D, ctx: Ctx): Tensor4D {
    return tf.tidy(() => {
      const enc: Tensor4D[] = [this.stem0.apply(x), this.stem1.apply(x)];
      this.down.forEach((cell, k) => enc.push(cell.apply(enc[k]!, enc[k + 1]!, ctx)));
      const depth = this.down.length;
      let y = enc[depth + 1]!;
      this.up.forEach((cell, j) => {
        y = cell.apply(enc[depth - j]!, y, ctx);
      });
      return this.head.apply(y);
    });
  }
}
