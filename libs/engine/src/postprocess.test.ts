import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postprocessMask } from './postprocess.js';

/** A 5 x 4 x 2 volume (x fastest) from two 4-row slices written as strings of class digits. */
function volume(...slices: string[][]): Uint8Array {
  return Uint8Array.from(slices.flatMap((rows) => rows.flatMap((r) => [...r].map(Number))));
}
const dims = [5, 4, 2] as const;

test('largest-foreground keeps the largest face-connected region of all classes together', () => {
  const m = volume(['11000', '12000', '00000', '00003'], ['00000', '00000', '00000', '00033']);
  // Region {1,1,1,2} (4 voxels, two classes touching) against {3,3,3} (3 voxels, through z).
  assert.deepEqual(
    [...postprocessMask(m, dims, 'largest-foreground')],
    [...volume(['11000', '12000', '00000', '00000'], ['00000', '00000', '00000', '00000'])],
  );
});

test('largest-per-class keeps the largest region of each class; diagonal neighbours are not connected', () => {
  const m = volume(['11010', '00100', '22000', '00002'], ['00000', '00000', '00000', '00000']);
  // Class 1: {2 voxels}, {1}, {1} (diagonal only); class 2: {2}, {1}.
  assert.deepEqual(
    [...postprocessMask(m, dims, 'largest-per-class')],
    [...volume(['11000', '00000', '22000', '00000'], ['00000', '00000', '00000', '00000'])],
  );
});

test('a region connects through slices (z) and none leaves the mask as it is', () => {
  const m = volume(['10000', '00000', '00000', '00011'], ['10000', '00000', '00000', '00000']);
  // {(0,0,0), (0,0,1)} and {(3,3,0), (4,3,0)}: equal sizes, the first found is kept.
  assert.deepEqual(
    [...postprocessMask(m, dims, 'largest-foreground')],
    [...volume(['10000', '00000', '00000', '00000'], ['10000', '00000', '00000', '00000'])],
  );
  assert.equal(postprocessMask(m, dims, 'none'), m);
  assert.throws(
    () => postprocessMask(m, [5, 4, 3], 'largest-foreground'),
    /40 voxels, dims 5 x 4 x 3 make 60/,
  );
});

test('regions larger than the queue starts with are flooded whole', () => {
  // 40 x 40 x 5: slices 0-2 class 1, slice 3 background, slice 4 class 1 with a class-2 pixel.
  const [nx, ny, nz] = [40, 40, 5];
  const m = new Uint8Array(nx * ny * nz);
  m.fill(1, 0, 3 * nx * ny);
  m.fill(1, 4 * nx * ny);
  m[4 * nx * ny + 7] = 2;
  const out = postprocessMask(m, [nx, ny, nz], 'largest-foreground');
  assert.equal(out.subarray(0, 3 * nx * ny).every((v) => v === 1), true, '4800 voxels kept');
  assert.equal(out.subarray(3 * nx * ny).every((v) => v === 0), true, 'the 1600-voxel slab removed');
  // Per class: class 1 keeps its 4800-voxel region and loses the slab of slice 4; the lone
  // class-2 pixel is its class's largest region and stays.
  const each = postprocessMask(m, [nx, ny, nz], 'largest-per-class');
  assert.equal(each[4 * nx * ny + 7], 2);
  assert.equal(each.reduce((s, v) => s + (v === 1 ? 1 : 0), 0), 3 * nx * ny);
});
