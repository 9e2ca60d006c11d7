/** Moving volumes onto a model's grid and masks back: reorientation exact, resampling and nearest-neighbour return. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceLimitError } from '../../core/src/index.js';
import { isOrientationCode, toModelGrid, trainingGrid, type Volume } from './index.js';
import { orientationFromAffine } from './volume.js';

/** A volume with `affine`, voxel value = x + 10 y + 100 z. */
function ramp(shape: [number, number, number], affine: number[][]): Volume {
  const data = new Float32Array(shape[0] * shape[1] * shape[2]);
  for (let z = 0, i = 0; z < shape[2]; z++)
    for (let y = 0; y < shape[1]; y++) for (let x = 0; x < shape[0]; x++) data[i++] = x + 10 * y + 100 * z;
  const spacing = [0, 1, 2].map((c) => Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!)) as [
    number,
    number,
    number,
  ];
  return { data, shape, spacingMm: spacing, affine, orientation: orientationFromAffine(affine) };
}

/** World position of voxel `v` of `affine`. */
const world = (affine: number[][], v: number[]) =>
  [0, 1, 2].map(
    (r) => affine[r]![0]! * v[0]! + affine[r]![1]! * v[1]! + affine[r]![2]! * v[2]! + affine[r]![3]!,
  );

test('orientation codes', () => {
  assert.ok(isOrientationCode('RAS') && isOrientationCode('LPS') && isOrientationCode('ASR'));
  assert.ok(!isOrientationCode('as-stored') && !isOrientationCode('RRS') && !isOrientationCode('RA'));
});

test('an LPS volume (as DICOM gives) onto an RAS model: x and y reversed, the same world positions, mask back exact', () => {
  const lps = ramp(
    [4, 3, 2],
    [
      [-0.5, 0, 0, 10],
      [0, -0.8, 0, 20],
      [0, 0, 2, -5],
      [0, 0, 0, 1],
    ],
  );
  assert.equal(lps.orientation, 'LPS');
  const grid = toModelGrid(lps, 'RAS', null);
  assert.equal(grid.volume.orientation, 'RAS');
  assert.deepEqual(grid.volume.shape, [4, 3, 2]);
  assert.deepEqual(grid.volume.spacingMm, [0.5, 0.8, 2]);
  for (const [x, y, z] of [
    [0, 0, 0],
    [3, 2, 1],
    [1, 2, 0],
  ] as const) {
    const value = grid.volume.data[x + 4 * (y + 3 * z)]!;
    assert.equal(value, 3 - x + 10 * (2 - y) + 100 * z);
    const at = world(grid.volume.affine, [x, y, z]);
    world(lps.affine, [3 - x, 2 - y, z]).forEach((w, i) => assert.ok(Math.abs(w - at[i]!) < 1e-9));
  }
  const mask = Uint8Array.from({ length: 24 }, (_, i) => i % 7);
  const back = grid.toSource(mask);
  assert.deepEqual(
    toModelGrid({ ...lps, data: Float32Array.from(back) }, 'RAS', null).volume.data,
    Float32Array.from(mask),
  );
});

test('a permuted volume (slices along y) onto an RAS model', () => {
  const v = ramp(
    [2, 3, 4],
    [
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ],
  );
  assert.equal(v.orientation, 'RSA');
  const grid = toModelGrid(v, 'RAS', null);
  assert.deepEqual(grid.volume.shape, [2, 4, 3]);
  assert.equal(grid.volume.data[1 + 2 * (3 + 4 * 2)], 1 + 10 * 2 + 100 * 3);
  const mask = Uint8Array.from({ length: 24 }, (_, i) => i);
  const back = grid.toSource(mask);
  assert.equal(back[1 + 2 * (2 + 3 * 3)], mask[1 + 2 * (3 + 4 * 2)]);
});

test('resampling to the model spacing: trilinear on the grid, labels back by nearest neighbour', () => {
  const v = ramp(
    [8, 6, 2],
    [
      [0.5, 0, 0, 0],
      [0, 0.5, 0, 0],
      [0, 0, 3, 0],
      [0, 0, 0, 1],
    ],
  );
  const grid = toModelGrid(v, 'as-stored', [1, 1, 3]);
  assert.deepEqual(grid.volume.shape, [4, 3, 2]);
  assert.deepEqual(grid.volume.spacingMm, [1, 1, 3]);
  // Model voxel (i, j) covers source voxels 2i, 2i + 1: its centre is at source 2i + 0.5.
  assert.ok(Math.abs(grid.volume.data[1 + 4 * 2]! - (2.5 + 10 * 4.5)) < 1e-5);
  // Each model voxel's label comes back on the 2 x 2 source voxels it covers.
  const mask = Uint8Array.from({ length: 24 }, (_, i) => i);
  const back = grid.toSource(mask);
  for (let z = 0; z < 2; z++)
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 8; x++) assert.equal(back[x + 8 * (y + 6 * z)], (x >> 1) + 4 * ((y >> 1) + 3 * z));
  // Within 1 % of the model spacing: used as it is.
  assert.equal(toModelGrid(v, 'as-stored', [0.502, 0.499, 3]).volume, v);
  assert.equal(toModelGrid(v, 'LPS', null).volume.orientation, 'LPS');
  // A sender's tiny spacing cannot make the volume blow up: refused before allocating.
  assert.throws(() => toModelGrid(v, 'as-stored', [0.001, 0.001, 3], 1e6), ResourceLimitError);
});

test('the grid a training records: shared orientation and spacing, else as-stored / null', () => {
  const ras = (spacing: number) =>
    ramp(
      [2, 2, 2],
      [
        [spacing, 0, 0, 0],
        [0, spacing, 0, 0],
        [0, 0, 2, 0],
        [0, 0, 0, 1],
      ],
    );
  const lps = ramp(
    [2, 2, 2],
    [
      [-1, 0, 0, 0],
      [0, -1, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 1],
    ],
  );
  const of = (images: Volume[], volumetric = true) =>
    trainingGrid({ cases: images.map((image, i) => ({ id: `c${i}`, image })), volumetric });
  assert.deepEqual(of([ras(1), ras(1.005)]), { orientation: 'RAS', spacingMm: [1, 1, 2] });
  assert.deepEqual(of([ras(1), ras(1.2)]), { orientation: 'RAS', spacingMm: null });
  assert.deepEqual(of([ras(1), lps]), { orientation: 'as-stored', spacingMm: null });
  assert.deepEqual(of([ras(1)], false), { orientation: 'as-stored', spacingMm: null });
});
