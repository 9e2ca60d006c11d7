/** The FC-DenseNet baseline (libs/nas/src/fc-densenet.ts) as ONNX nodes. */
import type { GraphBuilder } from './graph-builder.js';

/** What the graph needs of an FC-DenseNet config. */
export interface FcDenseNetShape {
  firstChannels: number;
  depth: number;
  layersPerBlock: number;
  growthRate: number;
}

/** Dense block of `m` input channels (scope `p`): `[input + new features, new features]`. */
function denseBlock(
  b: GraphBuilder,
  x: string,
  p: string,
  m: number,
  cfg: FcDenseNetShape,
): [string, string] {
  let all = x;
  const fresh: string[] = [];
  for (let i = 0; i < cfg.layersPerBlock; i++) {
    const c = m + i * cfg.growthRate;
    const y = b.conv(b.relu(b.groupNorm(all, `${p}.l${i}.gn`, c)), `${p}.l${i}.conv`, { kernel: 3 });
    fresh.push(y);
    all = b.concat([all, y]);
  }
  return [all, b.concat(fresh)];
}

/** Logits (NCHW) of the FC-DenseNet on the NCHW input `x`. */
export function fcDenseNetLogits(b: GraphBuilder, x: string, cfg: FcDenseNetShape): string {
  const added = cfg.layersPerBlock * cfg.growthRate;
  let y = b.conv(x, 'first', { kernel: 3 });
  let m = cfg.firstChannels;
  const skips: Array<{ value: string; channels: number }> = [];
  for (let l = 0; l < cfg.depth; l++) {
    const [all] = denseBlock(b, y, `down${l}`, m, cfg);
    m += added;
    skips.push({ value: all, channels: m });
    const normed = b.relu(b.groupNorm(all, `td${l}.gn`, m));
    y = b.pool(b.conv(normed, `td${l}.conv`, { kernel: 1 }), 'max', 'valid');
  }
  let fresh = denseBlock(b, y, 'bottleneck', m, cfg)[1];
  let last = fresh;
  for (let l = cfg.depth - 1; l >= 0; l--) {
    const skip = skips[l]!;
    const input = b.concat([b.transposedConv(fresh, `tu${l}`), skip.value]);
    [last, fresh] = denseBlock(b, input, `up${l}`, added + skip.channels, cfg);
  }
  return b.conv(last, 'head', { kernel: 1, bias: true });
}
