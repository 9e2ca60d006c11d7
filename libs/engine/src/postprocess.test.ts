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
