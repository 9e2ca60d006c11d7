/** The U-Net baseline (libs/nas/src/unet.ts) as ONNX nodes. */
import type { GraphBuilder } from './graph-builder.js';

/** What the graph needs of a U-Net config. */
export interface UNetShape {
  baseWidth: number;
  depth: number;
}

function doubleConv(b: GraphBuilder, x: string, p: string, c: number): string {
  const y = b.relu(b.groupNorm(b.conv(x, `${p}.conv1`, { kernel: 3 }), `${p}.gn1`, c));
  return b.relu(b.groupNorm(b.conv(y, `${p}.conv2`, { kernel: 3 }), `${p}.gn2`, c));
}

/** Logits (NCHW) of the U-Net on the NCHW input `x`. */
export function unetLogits(b: GraphBuilder, x: string, cfg: UNetShape): string {
  const width = (l: number): number => cfg.baseWidth * 2 ** l;
  const skips: string[] = [];
  let y = x;
  for (let l = 0; l <= cfg.depth; l++) {
    y = doubleConv(b, l === 0 ? y : b.pool(y, 'max', 'valid'), `enc${l}`, width(l));
    skips.push(y);
  }
  for (let l = cfg.depth - 1; l >= 0; l--) {
    y = doubleConv(b, b.concat([b.upConv2x2(y, `up${l}`), skips[l]!]), `dec${l}`, width(l));
  }
  return b.conv(y, 'head', { kernel: 1, bias: true });
}
