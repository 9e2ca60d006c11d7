/**
 * Postprocessing of predicted masks (see `POSTPROCESSING` in the model bundle): keeping
 * the largest connected region of the foreground, or of each class, as nnU-Net does when
 * its validation cases say it helps. Regions connect through faces (6 neighbours in 3D,
 * 4 in 2D); removed voxels become background (class 0).
 */
import type { Postprocessing } from '../../nas/src/model-bundle.js';

/** A first-in first-out queue of voxel indices that grows with the flood's front, not the volume. */
class VoxelQueue {
  private buf = new Int32Array(1024);
  private head = 0;
  private tail = 0;

  push(i: number): void {
    if (this.tail === this.buf.length) {
      if (this.head >= this.buf.length / 2) this.buf.copyWithin(0, this.head, this.tail);
      else {
        const grown = new Int32Array(this.buf.length * 2);
        grown.set(this.buf.subarray(this.head, this.tail));
        this.buf = grown;
      }
      this.tail -= this.head;
      this.head = 0;
    }
    this.buf[this.tail++] = i;
  }

  /** The next index, or -1 when empty. */
  shift(): number {
    return this.head < this.tail ? (this.buf[this.head++] as number) : -1;
  }
}

/**
 * Floods the face-connected region of `seed` through the voxels `inside` selects whose
 * `state` is `from`, setting it to `to`; returns the region's size.
 */
function flood(
  seed: number,
  state: Uint8Array,
  from: number,
  to: number,
  inside: (i: number) => boolean,
  [nx, ny, nz]: readonly [number, number, number],
): number {
  const queue = new VoxelQueue();
  state[seed] = to;
  queue.push(seed);
  let size = 0;
  const visit = (j: number): void => {
    if (state[j] === from && inside(j)) {
      state[j] = to;
      queue.push(j);
    }
  };
  for (let i = queue.shift(); i >= 0; i = queue.shift()) {
    size++;
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    const z = Math.floor(i / (nx * ny));
    if (x > 0) visit(i - 1);
    if (x < nx - 1) visit(i + 1);
    if (y > 0) visit(i - nx);
    if (y < ny - 1) visit(i + nx);
    if (z > 0) visit(i - nx * ny);
    if (z < nz - 1) visit(i + nx * ny);
  }
  return size;
}

/**
 * Sets to background every voxel `inside` selects outside the largest of its regions (the
 * first found of equal ones). One byte of state per voxel: 1 = seen, 2 = in the largest.
 */
function keepLargest(
  out: Uint8Array,
  inside: (i: number) => boolean,
  dims: readonly [number, number, number],
): void {
  const state = new Uint8Array(out.length);
  let largest = -1;
  let largestSize = 0;
  for (let seed = 0; seed < out.length; seed++) {
    if (state[seed] !== 0 || !inside(seed)) continue;
    const size = flood(seed, state, 0, 1, inside, dims);
    if (size > largestSize) {
      largest = seed;
      largestSize = size;
    }
  }
  if (largest < 0) return;
  flood(largest, state, 1, 2, inside, dims);
  for (let i = 0; i < out.length; i++) if (state[i] === 1) out[i] = 0;
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
