import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceLimitError, ShapeError, ValidationError } from '../../core/src/index.js';
import {
  assembleMask,
  computeIntensityStats,
  cropSlice,
  extractSlice,
  generateSyntheticDataset,
  makeVolume,
  normalizeIntensities,
  padInfoFor,
  padSlice,
  prepareVolume,
  sliceDataset,
  type Case,
} from './index.js';

const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i);

test('slices along each axis follow the documented layout', () => {
  // X=2, Y=3, Z=4; value = x + 2*(y + 3*z)
  const data = ramp(24);
  const s2 = extractSlice(data, [2, 3, 4], 2, 1, new Float32Array(6)); // rows=Y, cols=X at z=1
  assert.deepEqual([...s2], [6, 7, 8, 9, 10, 11]);
  const s1 = extractSlice(data, [2, 3, 4], 1, 2, new Float32Array(8)); // rows=Z, cols=X at y=2
  assert.deepEqual([...s1], [4, 5, 10, 11, 16, 17, 22, 23]);
  const s0 = extractSlice(data, [2, 3, 4], 0, 1, new Float32Array(12)); // rows=Z, cols=Y at x=1
  assert.deepEqual([...s0], [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23]);
});

test('zero and edge padding, then cropping, round-trips', () => {
  const src = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2 rows x 3 cols
  const pad = padInfoFor(2, 3, 4, 6);
  assert.deepEqual(pad, { top: 1, left: 1, height: 2, width: 3 });
  const z = padSlice(src, pad, 4, 6, 'zero');
  assert.deepEqual([...z], [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0]);
  const e = padSlice(src, pad, 4, 6, 'edge');
  assert.deepEqual([...e], [1, 1, 2, 3, 3, 3, 1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 6, 4, 4, 5, 6, 6, 6]);
  assert.deepEqual([...cropSlice(z, 6, pad)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...cropSlice(e, 6, pad)], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => padInfoFor(5, 3, 4, 4), ShapeError);
});

test('z-score per case and fixed statistics', () => {
  const z = normalizeIntensities(Float32Array.from([1, 2, 3, 4]), { kind: 'zscore' });
  const sd = Math.sqrt(1.25);
  assert.deepEqual(
    [...z].map((v) => +v.toFixed(5)),
    [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd].map((v) => +v.toFixed(5)),
  );
  const f = normalizeIntensities(Float32Array.from([10, 20]), { kind: 'fixed', mean: 10, std: 5 });
  assert.deepEqual([...f], [0, 2]);
  assert.deepEqual([...normalizeIntensities(Float32Array.from([7, 7]), { kind: 'zscore' })], [0, 0]);
  assert.throws(
    () => normalizeIntensities(Float32Array.from([1]), { kind: 'fixed', mean: 0, std: 0 }),
    ValidationError,
  );
  const cases: Case[] = [
    { id: 'a', image: makeVolume(Float32Array.from([0, 2]), [2, 1, 1]) },
    { id: 'b', image: makeVolume(Float32Array.from([4, 6, 8, 10]), [4, 1, 1]) },
  ];
  const st = computeIntensityStats(cases);
  assert.equal(st.mean, 5);
  assert.equal(st.count, 6);
  assert.ok(Math.abs(st.std - Math.sqrt(70 / 6)) < 1e-12);
});

test('sliceDataset pads to a common multiple, maps codes to indices and records preprocessing', () => {
  const mk = (id: string, X: number, Y: number, code: number): Case => ({
    id,
    image: makeVolume(ramp(X * Y * 2), [X, Y, 2]),
    label: makeVolume(
      Float32Array.from({ length: X * Y * 2 }, (_, i) => (i === 0 ? code : 0)),
      [X, Y, 2],
    ),
  });
  const classes = [
    { code: 0, name: 'bg' },
    { code: 5, name: 'organ' },
  ];
  const cases = [mk('a', 5, 3, 5), mk('b', 9, 7, 5)];
  const sd = sliceDataset(cases, classes, {
    padMultiple: 4,
    normalization: { kind: 'fixed' },
    statsFrom: [cases[0] as Case],
  });
  assert.equal(sd.height, 8); // max rows 7 -> 8
  assert.equal(sd.width, 12); // max cols 9 -> 12
  assert.equal(sd.slices.length, 4);
  assert.deepEqual(sd.preprocessing, {
    sliceAxis: 2,
    normalization: { kind: 'fixed', mean: 14.5, std: sd.stats?.std },
    padMultiple: 4,
    padMode: 'zero',
    contextSlices: 0,
  });
  assert.equal(sd.channels, 1);
  const first = sd.slices[0];
  assert.deepEqual(first?.pad, { top: 2, left: 3, height: 3, width: 5 });
  assert.equal(first?.label?.[2 * 12 + 3], 1); // code 5 -> class index 1 at the crop origin
  assert.equal(
    first?.label?.reduce((a, b) => a + b, 0),
    1,
  );
  assert.throws(() => sliceDataset([mk('c', 2, 2, 3)], classes, { padMultiple: 4 }), /label value 3/);
  const drop = sliceDataset(cases, classes, { padMultiple: 4, dropEmptySlices: true });
  assert.deepEqual(
    drop.slices.map((s) => `${s.caseId}:${s.sliceIndex}`),
    ['a:0', 'b:0'],
  );
});

test('inference preprocessing matches training slices and the mask round-trips to the volume', () => {
  const ds = generateSyntheticDataset({ count: 1, size: 20, seed: 2 });
  const c = ds.cases[0] as Case;
  const train = sliceDataset([c], ds.classes, { padMultiple: 8 });
  const prep = prepareVolume(c.image, train.preprocessing);
  assert.deepEqual(prep.shape, [1, 24, 24, 1]);
  assert.deepEqual([...prep.x], [...(train.slices[0]?.image ?? [])]);
  // A "prediction" equal to the padded label must give back the original label volume.
  const mask = assembleMask(train.slices[0]?.label as Int32Array, prep, c.image, ds.classes);
  assert.deepEqual([...mask.data], [...(c.label?.data ?? [])]);
  assert.deepEqual(mask.affine, c.image.affine);
  // 3D volume along axis 0.
  const vol = makeVolume(ramp(3 * 5 * 6), [3, 5, 6]);
  const p0 = prepareVolume(vol, {
    sliceAxis: 0,
    normalization: { kind: 'fixed', mean: 0, std: 1 },
    padMultiple: 4,
    padMode: 'edge',
  });
  assert.deepEqual(p0.shape, [3, 8, 8, 1]);
  const codes = new Int32Array(3 * 8 * 8);
  for (let s = 0; s < 3; s++)
    for (let i = 0; i < 64; i++) codes[s * 64 + i] = Math.round(p0.x[s * 64 + i] as number) % 7;
  const back = assembleMask(codes, p0, vol);
  assert.deepEqual(
    [...back.data],
    [...vol.data].map((v) => v % 7),
  );
});

test('slices padded past the voxel limit are refused: a few kilobytes of 1 x 1 slices cannot become gigabytes', () => {
  // 1 x 1 x 30 000 voxels (120 kB of float32) for a network trained on 64 x 64 slices:
  // 123 M voxels once padded.
  const column = makeVolume(new Float32Array(30_000), [1, 1, 30_000]);
  const spec = {
    sliceAxis: 2 as const,
    normalization: { kind: 'fixed' as const, mean: 0, std: 1 },
    padMultiple: 8,
    padMode: 'zero' as const,
  };
  assert.throws(
    () => prepareVolume(column, spec, [64, 64], 10_000_000),
    (e: Error) =>
      e instanceof ResourceLimitError && /30000 slice\(s\) of 64x64.*122880000 voxels/.test(e.message),
  );
  // At the limit it is prepared.
  assert.deepEqual(prepareVolume(column, spec, [8, 8], 30_000 * 64).shape, [30_000, 8, 8, 1]);
});
