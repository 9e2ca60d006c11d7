/**
 * Postprocessing of predicted masks (see `POSTPROCESSING` in the model bundle): keeping
 * the largest connected region of the foreground, or of each class, as nnU-Net does when
 * its validation cases say it helps. Regions connect through faces (6 neighbours in 3D,
 * 4 in 2D); removed voxels become background (class 0).
 */
import type { Postprocessing } from '../../nas/src/model-bundle.js';

/**
 * Labels the connected regions of the voxels `inside` selects in a volume of `dims`
 * (fastest axis first); returns the region of each voxel (0 = not inside, regions from 1)
 * and the size of each region (index = region).
 */
function regions(
  inside: (i: number) => boolean,
  [nx, ny, nz]: readonly [number, number, number],
): { region: Int32Array; sizes: number[] } {
  const n = nx * ny * nz;
  const region = new Int32Array(n);
  const sizes = [0];
  const queue = new Int32Array(n);
  for (let seed = 0; seed < n; seed++) {
    if (region[seed] !== 0 || !inside(seed)) continue;
    const id = sizes.length;
    let head = 0;
    let tail = 0;
    queue[tail++] = seed;
    region[seed] = id;
    while (head < tail) {
      const i = queue[head++] as number;
      const x = i % nx;
      const y = Math.floor(i / nx) % ny;
      const z = Math.floor(i / (nx * ny));
      const visit = (j: number): void => {
        if (region[j] === 0 && inside(j)) {
          region[j] = id;
          queue[tail++] = j;
        }
      };
      if (x > 0) visit(i - 1);
      if (x < nx - 1) visit(i + 1);
      if (y > 0) visit(i - nx);
      if (y < ny - 1) visit(i + nx);
      if (z > 0) visit(i - nx * ny);
      if (z < nz - 1) visit(i + nx * ny);
    }
    sizes.push(tail);
  }
  return { region, sizes };
}

/** The region with the most voxels (the first of equal ones); 0 when there is none. */
function largest(sizes: readonly number[]): number {
  let best = 0;
  for (let r = 1; r < sizes.length; r++) if ((sizes[r] as number) > (sizes[best] as number)) best = r;
  return best;
}

/** Sets to background every voxel `inside` selects outside the largest of its regions. */
function keepLargest(
  out: Uint8Array,
  inside: (i: number) => boolean,
  dims: readonly [number, number, number],
): void {
  const { region, sizes } = regions(inside, dims);
  const keep = largest(sizes);
  for (let i = 0; i < out.length; i++) if (region[i] !== 0 && region[i] !== keep) out[i] = 0;
}

/**
 * `mask` (class index per voxel, `dims` = sizes fastest axis first) postprocessed by
 * `mode`; a new array, or `mask` itself for `none`.
 */
export function postprocessMask(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  mode: Postprocessing,
): Uint8Array {
  if (mode === 'none') return mask;
  if (mask.length !== dims[0] * dims[1] * dims[2]) {
    throw new RangeError(
      `mask holds ${mask.length} voxels, dims ${dims.join(' x ')} make ${dims[0] * dims[1] * dims[2]}`,
    );
  }
  const out = Uint8Array.from(mask);
  if (mode === 'largest-foreground') {
    keepLargest(out, (i) => (mask[i] as number) > 0, dims);
    return out;
  }
  const classes = new Set(mask);
  classes.delete(0);
  for (const c of classes) keepLargest(out, (i) => mask[i] === c, dims);
  return out;
}
