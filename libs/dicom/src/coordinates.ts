/**
 * DICOM patient coordinates are LPS+ (x to the patient's left, y posterior, z superior);
 * NIfTI world coordinates, and so our `Volume.affine`, are RAS+. The two differ by the
 * sign of x and y, so one function converts either way.
 */

/** A 4x4 row-major voxel -> world affine in LPS+ as RAS+, or in RAS+ as LPS+. */
export function flipLpsRas(affine: readonly (readonly number[])[]): number[][] {
  return affine.map((row, r) => row.map((v) => (r < 2 && v !== 0 ? -v : v)));
}
