/**
 * The built-in synthetic dataset as files (images/*.png + masks/*.png), the form a user
 * uploads, plus helpers to score a segmentation against its labels.
 */
import { encodePngGray, generateSyntheticDataset, SYNTHETIC_CLASSES } from '../../libs/data/src/index.js';

/** One case: 8-bit grey image (0..255) and its class-index labels, row-major. */
export interface SyntheticCase {
  id: string;
  width: number;
  height: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** Generates `count` cases of `size` x `size`, as arrays and as PNG files. */
export function syntheticFiles(
  count: number,
  size: number,
  seed: number,
): { cases: SyntheticCase[]; files: Map<string, Uint8Array>; classNames: string[] } {
  const ds = generateSyntheticDataset({ count, size, seed });
  const files = new Map<string, Uint8Array>();
  const cases: SyntheticCase[] = ds.cases.map((c) => {
    const [w, h] = c.image.shape;
    const pixels = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++)
      pixels[i] = Math.max(0, Math.min(255, Math.round((c.image.data[i] as number) * 255)));
    const labels = Uint8Array.from(c.label!.data);
    files.set(`images/${c.id}.png`, encodePngGray(pixels, w, h));
    files.set(`masks/${c.id}.png`, encodePngGray(labels, w, h));
    return { id: c.id, width: w, height: h, pixels, labels };
  });
  return { cases, files, classNames: SYNTHETIC_CLASSES.map((c) => c.name) };
}

/** Mean Dice over the foreground classes 1..K-1 (a class absent from both scores 1). */
export function foregroundDice(pred: Uint8Array, truth: Uint8Array, nClasses: number): number {
  let sum = 0;
  for (let k = 1; k < nClasses; k++) {
    let inter = 0;
    let p = 0;
    let t = 0;
    for (let i = 0; i < truth.length; i++) {
      const a = pred[i] === k;
      const b = truth[i] === k;
      if (a) p++;
      if (b) t++;
      if (a && b) inter++;
    }
    sum += p + t === 0 ? 1 : (2 * inter) / (p + t);
  }
  return sum / (nClasses - 1);
}
