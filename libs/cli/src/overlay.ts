/**
 * Human-viewable overlay of a predicted mask on its image, with a legend naming the
 * classes (PNG via @napi-rs/canvas). The class colours are shared with the palette of the
 * mask PNG `segment` writes.
 */
import { createCanvas } from '@napi-rs/canvas';
import type { Rgb } from '../../data/src/index.js';
import { percentileOf } from './stats.js';

/** Distinct, colour-blind-friendly colours for classes 1, 2, ... (RGB). */
const CLASS_COLORS: readonly Rgb[] = [
  [230, 25, 75],
  [60, 180, 75],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
];

/** Colour of class index `k` (1..K-1; the colours repeat after 8); background (0) is black. */
export function classColor(k: number): Rgb {
  return k === 0 ? [0, 0, 0] : (CLASS_COLORS[(k - 1) % CLASS_COLORS.length] as Rgb);
}

/** Legend geometry, below the image: one row per foreground class. */
const LEGEND = { pad: 6, row: 18, swatch: 12, minWidth: 220 } as const;

/** Where the colour swatch of foreground class `k` (1..K-1) sits in an overlay whose image part is `imageHeight` px tall. */
export function legendSwatch(k: number, imageHeight: number): { x: number; y: number; size: number } {
  return { x: LEGEND.pad + 2, y: imageHeight + LEGEND.pad + (k - 1) * LEGEND.row, size: LEGEND.swatch };
}

/**
 * Renders a gray image (row-major `rows x cols`, any intensity range: windowed to its 1st
 * to 99th percentile) with class indices `mask` (0 = transparent) blended at 45% and
 * class borders drawn opaque; `scale` enlarges small images (nearest neighbour). Below
 * the image a legend shows each foreground class's colour and `classNames[k]`
 * (`classNames[0]` is the background, which has no swatch).
 */
export function renderOverlay(
  image: ArrayLike<number>,
  mask: ArrayLike<number>,
  rows: number,
  cols: number,
  scale: number,
  classNames: readonly string[],
): Buffer {
  const lo = percentileOf(image, 0.01);
  const hi = percentileOf(image, 0.99);
  const span = hi - lo > 1e-12 ? hi - lo : 1;
  const W = cols * scale;
  const H = rows * scale;
  const legendRows = Math.max(0, classNames.length - 1);
  const canvas = createCanvas(Math.max(W, LEGEND.minWidth), H + 2 * LEGEND.pad + legendRows * LEGEND.row);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#000000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const pixels = ctx.createImageData(W, H);
  for (let y = 0; y < H; y++) {
    const r = Math.floor(y / scale);
    for (let x = 0; x < W; x++) {
      const c = Math.floor(x / scale);
      const i = r * cols + c;
      const g = Math.round(255 * Math.min(1, Math.max(0, ((image[i] as number) - lo) / span)));
      let rgb: Rgb = [g, g, g];
      const k = mask[i] as number;
      if (k > 0) {
        const col = classColor(k);
        const border =
          (r > 0 && mask[i - cols] !== k) ||
          (r < rows - 1 && mask[i + cols] !== k) ||
          (c > 0 && mask[i - 1] !== k) ||
          (c < cols - 1 && mask[i + 1] !== k);
        const a = border ? 1 : 0.45;
        rgb = [0, 1, 2].map((j) => Math.round((1 - a) * g + a * (col[j] as number))) as unknown as Rgb;
      }
      const o = (y * W + x) * 4;
      pixels.data[o] = rgb[0];
      pixels.data[o + 1] = rgb[1];
      pixels.data[o + 2] = rgb[2];
      pixels.data[o + 3] = 255;
    }
  }
  ctx.putImageData(pixels, 0, 0);
  ctx.font = '12px sans-serif';
  for (let k = 1; k < classNames.length; k++) {
    const s = legendSwatch(k, H);
    ctx.fillStyle = `rgb(${classColor(k).join(',')})`;
    ctx.fillRect(s.x, s.y, s.size, s.size);
    ctx.fillStyle = '#ffffff';
    ctx.fillText(`${k}  ${classNames[k]}`, s.x + s.size + 6, s.y + s.size - 2);
  }
  return canvas.toBuffer('image/png');
}
