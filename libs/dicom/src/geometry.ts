/**
 * Slice geometry of a series from ImagePositionPatient (IPP), ImageOrientationPatient
 * (IOP) and PixelSpacing: the order of the slices along the normal (the cross product of
 * the two IOP vectors; file names and InstanceNumber are not reliable), one orientation
 * and one uniform step, and the voxel -> patient (LPS+) affine.
 */
import { DataFormatError } from '../../core/src/index.js';

type Vec3 = [number, number, number];

/** Where one slice lies, as read from its instance. */
export interface SlicePlacement {
  position: Vec3;
  /** Row direction (x, along columns) then column direction (y, along rows). */
  orientation: [number, number, number, number, number, number];
  /** PixelSpacing as DICOM orders it: between rows, then between columns (mm). */
  pixelSpacing: [number, number];
}

/** The geometry of a whole series. */
export interface SeriesGeometry {
  /** Slice indices in volume order (ascending along the normal). */
  order: number[];
  /** Voxel size along x (columns), y (rows), z (slices), in mm. */
  spacingMm: Vec3;
  /** 4x4 row-major voxel (column, row, slice) -> patient LPS+ mm. */
  affineLps: number[][];
}

const ORIENTATION_TOLERANCE = 1e-4;
const PIXEL_SPACING_TOLERANCE = 1e-4;
/** A slice may sit this far (relative to the step, at least 0.001 mm) from its uniform position. */
const POSITION_TOLERANCE = 0.01;

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: Vec3, s: number): Vec3 => [a[0] * s, a[1] * s, a[2] * s];
const norm = (a: Vec3): number => Math.sqrt(dot(a, a));

/** The cross product a x b. */
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function sameValues(a: readonly number[], b: readonly number[], tolerance: number): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - (b[i] as number)) <= tolerance);
}

/**
 * The geometry of slices `placements` (one per instance, any order). `singleSliceStep` is
 * the step used along the normal when there is one slice (SpacingBetweenSlices or
 * SliceThickness of the source).
 * @throws DataFormatError for two orientations or pixel spacings, a degenerate
 *   orientation, two slices at one position, or non-uniform spacing.
 */
export function seriesGeometry(
  placements: readonly SlicePlacement[],
  singleSliceStep: number,
): SeriesGeometry {
  const first = placements[0];
  if (first === undefined) throw new DataFormatError('the series has no image slices');
  for (const p of placements) {
    if (!sameValues(p.orientation, first.orientation, ORIENTATION_TOLERANCE)) {
      throw new DataFormatError(
        'the series has slices in two orientations (ImageOrientationPatient differs)',
      );
    }
    if (!sameValues(p.pixelSpacing, first.pixelSpacing, PIXEL_SPACING_TOLERANCE)) {
      throw new DataFormatError('the series has slices with two pixel spacings (PixelSpacing differs)');
    }
  }
  const rowDir: Vec3 = [first.orientation[0], first.orientation[1], first.orientation[2]];
  const colDir: Vec3 = [first.orientation[3], first.orientation[4], first.orientation[5]];
  const normal = cross(rowDir, colDir);
  if (
    Math.abs(norm(rowDir) - 1) > 1e-3 ||
    Math.abs(norm(colDir) - 1) > 1e-3 ||
    Math.abs(norm(normal) - 1) > 1e-3
  ) {
    throw new DataFormatError('ImageOrientationPatient is not two orthogonal unit vectors');
  }
  const along = placements.map((p) => dot(p.position, normal));
  const order = along.map((_, i) => i).sort((a, b) => (along[a] as number) - (along[b] as number));
  const sorted = order.map((i) => (placements[i] as SlicePlacement).position);
  const origin = sorted[0] as Vec3;
  const n = sorted.length;
  const step =
    n === 1 ? scale(normal, singleSliceStep) : scale(sub(sorted[n - 1] as Vec3, origin), 1 / (n - 1));
  const stepLength = norm(step);
  if (stepLength < 1e-6) throw new DataFormatError('two slices of the series lie at the same position');
  const tolerance = Math.max(1e-3, POSITION_TOLERANCE * stepLength);
  sorted.forEach((p, k) => {
    if (
      norm(sub(p, [origin[0] + k * step[0], origin[1] + k * step[1], origin[2] + k * step[2]])) > tolerance
    ) {
      throw new DataFormatError(
        `the slices of the series are not uniformly spaced (slice ${k + 1} of ${n} is off the ${stepLength.toFixed(3)} mm grid); resample the series or send one with uniform spacing`,
      );
    }
  });
  const [dy, dx] = first.pixelSpacing;
  const x = scale(rowDir, dx);
  const y = scale(colDir, dy);
  return {
    order,
    spacingMm: [dx, dy, stepLength],
    affineLps: [
      [x[0], y[0], step[0], origin[0]],
      [x[1], y[1], step[1], origin[1]],
      [x[2], y[2], step[2], origin[2]],
      [0, 0, 0, 1],
    ],
  };
}
