/**
 * The derived NAS-Unet (libs/nas/src/fixed-network.ts, backbone.ts, cells/fixed-cell.ts,
 * ops/) as ONNX nodes: stems, DownSC/UpSC cells with the genotype's ops, 1x1 head.
 */
import { UnknownOpError } from '../../core/src/errors.js';
import type { Genotype } from '../../nas/src/contracts.js';
import type { CellKind } from '../../nas/src/genotype.js';
import type { GraphBuilder } from './graph-builder.js';

/** What the graph needs of a NAS-Unet config. */
export interface NasUnetShape {
  channels: number;
  depth: number;
}

/** One genotype op on a C-channel value (scope `p`); ops/*.ts name the weights. */
function op(b: GraphBuilder, name: string, x: string, p: string, c: number): string {
  const convNormRelu = (stride: number, dilation: number): string =>
    b.relu(b.groupNorm(b.conv(x, `${p}.conv`, { kernel: 3, stride, dilation }), `${p}.gn`, c));
  const depthwiseSeparable = (stride: number): string =>
    b.relu(
      b.groupNorm(b.conv(b.depthwiseConv(x, `${p}.dw`, stride), `${p}.pw`, { kernel: 1 }), `${p}.gn`, c),
    );
  switch (name) {
    case 'identity':
      return x;
    case 'avg_pool':
      return b.pool(x, 'avg', 'same');
    case 'max_pool':
      return b.pool(x, 'max', 'same');
    case 'conv':
      return convNormRelu(1, 1);
    case 'dil_conv':
      return convNormRelu(1, 2);
    case 'down_conv':
      return convNormRelu(2, 1);
    case 'down_dil_conv':
      return convNormRelu(2, 2);
    case 'dep_conv':
      return depthwiseSeparable(1);
    case 'down_dep_conv':
      return depthwiseSeparable(2);
    case 'shuffle_conv': {
      const groups = c % 2 === 0 ? 2 : 1;
      const y = b.channelShuffle(b.conv(x, `${p}.conv`, { kernel: 3, groups }), c, groups);
      return b.relu(b.groupNorm(y, `${p}.gn`, c));
    }
    case 'cweight':
      return b.squeezeExcite(x, `${p}.se`);
    case 'down_cweight':
      return b.groupNorm(
        b.conv(b.squeezeExcite(x, `${p}.se`), `${p}.conv`, { kernel: 3, stride: 2 }),
        `${p}.gn`,
        c,
      );
    case 'up_cweight':
      return b.groupNorm(b.transposedConv(b.squeezeExcite(x, `${p}.se`), `${p}.tconv`), `${p}.gn`, c);
    case 'up_conv':
      return b.relu(b.groupNorm(b.transposedConv(x, `${p}.tconv`), `${p}.gn`, c));
    case 'up_dil_conv':
      return b.relu(b.groupNorm(b.transposedConv(x, `${p}.tconv`, { dilation: 2 }), `${p}.gn`, c));
    case 'up_dep_conv': {
      const up = b.transposedConv(x, `${p}.dw`, { depthwise: true });
      return b.relu(b.groupNorm(b.conv(up, `${p}.pw`, { kernel: 1 }), `${p}.gn`, c));
    }
    default:
      throw new UnknownOpError(`ONNX export: op '${name}' has no ONNX mapping`);
  }
}

/** A fixed cell (scope `p`): preprocessed inputs, two ops summed per node, nodes concatenated. */
function cell(
  b: GraphBuilder,
  kind: CellKind,
  pairs: ReadonlyArray<[string, number]>,
  s0: string,
  s1: string,
  p: string,
  c: number,
): string {
  const pre = (x: string, q: string, stride: number): string =>
    b.groupNorm(b.conv(b.relu(x), `${q}.conv`, { kernel: 1, stride }), `${q}.gn`, c);
  const states = [pre(s0, `${p}.pre0`, kind === 'down' ? 2 : 1), pre(s1, `${p}.pre1`, 1)];
  for (let node = 0; node < pairs.length / 2; node++) {
    const [[na, ia], [nb, ib]] = [pairs[2 * node]!, pairs[2 * node + 1]!];
    const ya = op(b, na, states[ia]!, `${p}.op${2 * node}_${na}`, c);
    const yb = op(b, nb, states[ib]!, `${p}.op${2 * node + 1}_${nb}`, c);
    states.push(b.add(ya, yb));
  }
  return b.concat(states.slice(2));
}

/** Logits (NCHW) of the derived net on the NCHW input `x`; stems have S = `stemMultiplier` * C channels. */
export function nasUnetLogits(
  b: GraphBuilder,
  x: string,
  genotype: Genotype,
  cfg: NasUnetShape,
  stemMultiplier: number,
): string {
  const s = stemMultiplier * cfg.channels;
  const enc = [
    b.groupNorm(b.conv(x, 'stem0.conv', { kernel: 1 }), 'stem0.gn', s),
    b.groupNorm(b.conv(x, 'stem1.conv', { kernel: 3, stride: 2 }), 'stem1.gn', s),
  ];
  for (let k = 0; k < cfg.depth; k++) {
    enc.push(cell(b, 'down', genotype.down, enc[k]!, enc[k + 1]!, `down${k}`, cfg.channels));
  }
  let y = enc[cfg.depth + 1]!;
  for (let j = 0; j <= cfg.depth; j++) {
    y = cell(b, 'up', genotype.up, enc[cfg.depth - j]!, y, `up${j}`, cfg.channels);
  }
  return b.conv(y, 'head', { kernel: 1 });
}
