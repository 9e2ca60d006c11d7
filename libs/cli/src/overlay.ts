/**
 * Human-viewable overlay of a predicted mask on its image (PNG via pngjs).
 */
import pngjs from 'pngjs';
import { percentileOf } from './stats.js';

/** Distinct, colour-blind-friendly colours for classes 1, 2, ... (RGB). */
const CLASS_COLORS: Array<[number, number, number]> = [
  [230, 25, 75],
  [60, 180, 75],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
];

/**
 * Renders a gray image (row-major `rows x cols`, any intensity range: windowed to its 1st
 * to 99th percentile) with class indices `mask` (0 = transparent) blended at 45% and
 * class borders drawn opaque. `scale` enlarges small images (nearest neighbour).
 */
export function renderOverlay(
  image: ArrayLike<number>,
  mask: ArrayLike<number>,
  rows: number,
  cols: number,
  scale = 1,
): Buffer {
  const lo = percentileOf(image, 0.01);
  const hi = percentileOf(image, 0.99);
  const span = hi - lo > 1e-12 ? hi - lo : 1;
  const W = cols * scale;
  const H = rows * scale;
  const png = new pngjs.PNG({ width: W, height: H });
  for (let y = 0; y < H; y++) {
    const r = Math.floor(y / scale);
    for (let x = 0; x < W; x++) {
      const c = Math.floor(x / scale);
      const i = r * cols + c;
      const g = Math.round(255 * Math.min(1, Math.max(0, ((image[i] as number) - lo) / span)));
      let rgb: [number, number, number] = [g, g, g];
      const k = mask[i] as number;
      if (k > 0) {
        const col = CLASS_COLORS[(k - 1) % CLASS_COLORS.length] as [number, number, number];
        const border =
          (r > 0 && mask[i - cols] !== k) ||
          (r < rows - 1 && mask[i + cols] !== k) ||
          (c > 0 && mask[i - 1] !== k) ||
          (c < cols - 1 && mask[i + 1] !== k);
        const a = border ? 1 : 0.45;
        rgb = [0, 1, 2].map((j) => Math.round((1 - a) * g + a * (col[j] as number))) as [
          number,
          number,
          number,
        ];
      }
      const o = (y * W + x) * 4;
      png.data[o] = rgb[0];
      png.data[o + 1] = rgb[1];
      png.data[o + 2] = rgb[2];
      png.data[o + 3] = 255;
    }
  }
  return pngjs.PNG.sync.write(png);
}
