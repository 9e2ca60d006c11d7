/**
 * A real 2D folder dataset from MSD hippocampus: for every case, the axial slice with the
 * most foreground as an 8-bit grey PNG (window: the case's 1st to 99th percentile) and its
 * label slice as a PNG of class codes 0/1/2, in the `images/` + `masks/` layout of the
 * folder loader. One slice per patient, so a case split is a patient split.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePngGray, loadDataset, type Volume } from '../../libs/data/src/index.js';

/** Writes the PNG folder under `dir` (skipped when `dir/images` exists); returns the case count. */
export async function exportAxialPngs(dataDir: string, dir: string): Promise<number> {
  if (existsSync(join(dir, 'images'))) return -1;
  const ds = await loadDataset(dataDir);
  const tmp = `${dir}.part`;
  mkdirSync(join(tmp, 'images'), { recursive: true });
  mkdirSync(join(tmp, 'masks'), { recursive: true });
  for (const c of ds.cases) {
    if (!c.label) continue;
    const z = busiestAxialSlice(c.label);
    const [lo, hi] = percentiles(c.image.data, 0.01, 0.99);
    const img = axialSlice(c.image, z).map((v) => (255 * (v - lo)) / Math.max(hi - lo, 1e-6));
    const [X, Y] = c.image.shape;
    writeFileSync(join(tmp, 'images', `${c.id}.png`), encodePngGray(img, X, Y));
    writeFileSync(join(tmp, 'masks', `${c.id}.png`), encodePngGray(axialSlice(c.label, z), X, Y));
  }
  renameSync(tmp, dir);
  return ds.cases.length;
}

function axialSlice(v: Volume, z: number): Float32Array {
  const n = v.shape[0] * v.shape[1];
  return v.data.slice(z * n, (z + 1) * n);
}

function busiestAxialSlice(label: Volume): number {
  const [X, Y, Z] = label.shape;
  let best = 0;
  let bestCount = -1;
  for (let z = 0; z < Z; z++) {
    let count = 0;
    for (let i = z * X * Y; i < (z + 1) * X * Y; i++) if ((label.data[i] as number) > 0) count++;
    if (count > bestCount) [best, bestCount] = [z, count];
  }
  return best;
}

function percentiles(data: Float32Array, lo: number, hi: number): [number, number] {
  const s = Float32Array.from(data).sort();
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return [at(lo), at(hi)];
}
