import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  makeVolume,
  prepareVolume,
  sliceDataset,
  stackContext,
  validatePreprocessing,
  type Case,
} from './index.js';

test('stackContext interleaves each plane with its neighbours, the nearest plane repeating at the ends', () => {
  // Three planes of two pixels: plane s holds 10 s + pixel.
  const planes = Float32Array.from([0, 1, 10, 11, 20, 21]);
  assert.equal(stackContext(planes, 3, 2, 0), planes);
  assert.deepEqual(
    [...stackContext(planes, 3, 2, 1)],
    // plane 0: pixel 0 (0, 0, 10), pixel 1 (1, 1, 11); plane 1: (0, 10, 20), (1, 11, 21); plane 2 ...
    [0, 0, 10, 1, 1, 11, 0, 10, 20, 1, 11, 21, 10, 20, 20, 11, 21, 21],
  );
  // One plane alone (a 2D image): every channel is that plane.
  assert.deepEqual([...stackContext(Float32Array.from([5, 6]), 1, 2, 2)], [5, 5, 5, 5, 5, 6, 6, 6, 6, 6]);
  assert.throws(() => stackContext(planes, 3, 2, 6), /contextSlices must be an integer in \[0, 5\], got 6/);
  assert.throws(() => stackContext(planes, 3, 2, 0.5), /contextSlices/);
  assert.throws(() => stackContext(planes, 4, 2, 1), /6 values are not 4 planes of 2/);
  assert.throws(
    () => validatePreprocessing({ sliceAxis: 2, padMultiple: 4, contextSlices: -1 }),
    /contextSlices must be an integer/,
  );
});

test('2.5D training slices equal what inference prepares, neighbours of dropped slices included', () => {
  // A 4 x 4 x 5 volume whose voxel values name their slice (z) and position; label only on z = 2.
  const [X, Y, Z] = [4, 4, 5];
  const image = makeVolume(
    Float32Array.from({ length: X * Y * Z }, (_, i) => 100 * Math.floor(i / (X * Y)) + (i % (X * Y))),
    [X, Y, Z],
  );
  const labels = new Float32Array(X * Y * Z);
  labels[2 * X * Y + 5] = 1;
  const c: Case = { id: 'a', image, label: makeVolume(labels, [X, Y, Z]) };
  const classes = [
    { code: 0, name: 'background' },
    { code: 1, name: 'fg' },
  ];
  const spec = { padMultiple: 4, normalization: { kind: 'fixed' as const, mean: 0, std: 1 } };
  const train = sliceDataset([c], classes, { ...spec, contextSlices: 1, dropEmptySlices: true });
  assert.equal(train.channels, 3);
  assert.equal(train.preprocessing.contextSlices, 1);
  assert.deepEqual(
    train.slices.map((s) => s.sliceIndex),
    [2],
  );
  const kept = train.slices[0]!.image;
  assert.equal(kept.length, 4 * 4 * 3);
  // Pixel 5 of slice 2 with slices 1 and 3 around it (both dropped as empty).
  assert.deepEqual([...kept.subarray(15, 18)], [105, 205, 305]);
  const served = prepareVolume(image, train.preprocessing);
  assert.deepEqual(served.shape, [5, 4, 4, 3]);
  assert.deepEqual([...served.x.subarray(2 * 48, 3 * 48)], [...kept]);
  // The first slice sees itself twice (no slice below it).
  assert.deepEqual([...served.x.subarray(0, 3)], [0, 0, 100]);
  // A spec without the field (bundles older than it) feeds the slice alone.
  assert.deepEqual(prepareVolume(image, { sliceAxis: 2, ...spec }).shape, [5, 4, 4, 1]);
});
