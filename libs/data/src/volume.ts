/**
 * The in-memory image volume shared by every reader and writer of this lib.
 */
import { ShapeError } from '../../core/src/index.js';

/** Voxel counts along the three voxel axes (i, j, k) = (X, Y, Z). */
export type Shape3 = [number, number, number];

/** Slicing axis: 0 = X (sagittal for RAS data), 1 = Y (coronal), 2 = Z (axial). */
export type Axis = 0 | 1 | 2;

/**
 * A 3D scalar volume. A 2D image is a volume with Z = 1 (X = width, Y = height).
 *
 * - `data`: voxel values after NIfTI scaling (`scl_slope`, `scl_inter`), length X*Y*Z,
 *   laid out with X fastest: `index = x + X * (y + Y * z)` (the NIfTI on-disk order;
 *   for 2D images, row-major with y = row).
 * - `spacingMm`: voxel size in millimetres along X, Y, Z (all > 0).
 * - `affine`: 4x4 row-major voxel -> world (mm, RAS+ as NIfTI defines it) matrix.
 * - `orientation`: three letters, the world direction each voxel axis points to as the
 *   index increases (R/L, A/P, S/I), e.g. 'RAS' for an identity affine, 'LPS' for DICOM-like.
 */
export interface Volume {
  data: Float32Array;
  shape: Shape3;
  spacingMm: [number, number, number];
  affine: number[][];
  orientation: string;
}

/** 4x4 identity scaled by the spacing: the affine used when a file carries none. */
export function diagonalAffine(spacing: [number, number, number]): number[][] {
  return [
    [spacing[0], 0, 0, 0],
    [0, spacing[1], 0, 0],
    [0, 0, spacing[2], 0],
    [0, 0, 0, 1],
  ];
}

/**
 * Orientation code from an affine: for each voxel axis (a column of the 3x3 part) the
 * world axis it is most aligned with, and the sign. +x = R, +y = A, +z = S (NIfTI RAS+).
 * Each world axis is used once (greedy on largest absolute component).
 */
export function orientationFromAffine(affine: number[][]): string {
  const pos = ['R', 'A', 'S'];
  const neg = ['L', 'P', 'I'];
  const used = new Set<number>();
  const letters: string[] = ['?', '?', '?'];
  // Process voxel axes in order of their dominance so ties resolve stably.
  const cand: { col: number; row: number; v: number }[] = [];
  for (let col = 0; col < 3; col++) {
    for (let row = 0; row < 3; row++) {
      cand.push({ col, row, v: affine[row]?.[col] ?? 0 });
    }
  }
  cand.sort((a, b) => Math.abs(b.v) - Math.abs(a.v) || a.col - b.col || a.row - b.row);
  const doneCols = new Set<number>();
  for (const c of cand) {
    if (doneCols.has(c.col) || used.has(c.row) || c.v === 0) continue;
    letters[c.col] = (c.v > 0 ? pos : neg)[c.row] as string;
    doneCols.add(c.col);
    used.add(c.row);
  }
  return letters.join('');
}

/** Voxel spacing (column norms of the 3x3 part of the affine), in mm. */
export function spacingFromAffine(affine: number[][]): [number, number, number] {
  const s: number[] = [];
  for (let col = 0; col < 3; col++) {
    let sum = 0;
    for (let row = 0; row < 3; row++) sum += (affine[row]?.[col] ?? 0) ** 2;
    s.push(Math.sqrt(sum));
  }
  return [s[0] as number, s[1] as number, s[2] as number];
}

/** Builds a volume from data and shape with a spacing-only affine. */
export function makeVolume(
  data: Float32Array,
  shape: Shape3,
  spacingMm: [number, number, number] = [1, 1, 1],
): Volume {
  const affine = diagonalAffine(spacingMm);
  return { data, shape, spacingMm, affine, orientation: orientationFromAffine(affine) };
}

/**
 * A volume on the grid of `reference` (shape, spacing, affine and orientation copied) with
 * other voxel values, e.g. a label mask predicted for it, so viewers overlay it in place.
 */
export function volumeLike(reference: Volume, data: Float32Array): Volume {
  if (data.length !== voxelCount(reference.shape)) {
    throw new ShapeError(`${data.length} values do not fill a ${reference.shape.join('x')} volume`);
  }
  return {
    data,
    shape: [...reference.shape],
    spacingMm: [...reference.spacingMm],
    affine: reference.affine.map((r) => [...r]),
    orientation: reference.orientation,
  };
}

/** Number of voxels of a shape. */
export function voxelCount(shape: Shape3): number {
  return shape[0] * shape[1] * shape[2];
}
