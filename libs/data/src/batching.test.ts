import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../tensor/src/index.js';
import {
  BatchIterator,
  batchToTensors,
  flip,
  generateSyntheticDataset,
  Rng,
  shift,
  sliceDataset,
  splitCases,
  augmentSample,
} from './index.js';

const ds = generateSyntheticDataset({ count: 7, size: 16, seed: 3 });
const sliced = sliceDataset(ds.cases, ds.classes, { padMultiple: 8 });

test('Rng state save/restore repeats the sequence', () => {
  const r = new Rng(11);
  r.next();
  const st = r.getState();
  const a = [r.next(), r.next(), r.int(0, 9)];
  r.setState(st);
  assert.deepEqual([r.next(), r.next(), r.int(0, 9)], a);
  assert.deepEqual(Rng.fromState(st).next(), a[0]);
  assert.notEqual(new Rng(12).next(), new Rng(11).next());
});

test('batch iterator: resume from a saved state reproduces order and augmentation', () => {
  const opts = {
    batchSize: 3,
    seed: 9,
    augment: { maxShift: 2, flipVertical: true, elastic: { alpha: 1.5 } },
  };
  const a = new BatchIterator(sliced, opts);
  assert.equal(a.stepsPerEpoch, 3);
  const first = [a.next(), a.next(), a.next(), a.next()];
  assert.deepEqual(first[0]?.shape, [3, 16, 16, 1]);
  assert.deepEqual(first[2]?.shape, [1, 16, 16, 1]); // 7 slices: 3 + 3 + 1
  assert.equal(first[3]?.epoch, 1);
  const state = a.getState();
  const rest = [a.next(), a.next(), a.next()];
  const b = new BatchIterator(sliced, opts);
  b.setState(JSON.parse(JSON.stringify(state)));
  const resumed = [b.next(), b.next(), b.next()];
  assert.deepEqual(
    resumed.map((x) => [x.refs, x.epoch, x.step, [...x.x], [...x.y]]),
    rest.map((x) => [x.refs, x.epoch, x.step, [...x.x], [...x.y]]),
  );
  // Every slice appears once per epoch; shuffle differs between epochs.
  const e0 = first.slice(0, 3).flatMap((x) => x.refs.map((r) => r.caseId));
  assert.deepEqual([...e0].sort(), ds.cases.map((c) => c.id).sort());
  const e1 = [first[3], ...rest.slice(0, 2)].flatMap((x) => x?.refs.map((r) => r.caseId) ?? []);
  assert.notDeepEqual(e1, e0);
});

test('without shuffle or augmentation, batches are the slices in order', () => {
  const it = new BatchIterator(sliced, { batchSize: 4, seed: 0, shuffle: false });
  const batches = [...it.epochBatches()];
  assert.equal(batches.length, 2);
  assert.deepEqual(
    batches.flatMap((b) => b.refs.map((r) => r.caseId)),
    ds.cases.map((c) => c.id),
  );
  assert.deepEqual([...(batches[0]?.x.subarray(0, 256) ?? [])], [...(sliced.slices[0]?.image ?? [])]);
  assert.deepEqual([...(batches[1]?.y.subarray(256, 512) ?? [])], [...(sliced.slices[5]?.label ?? [])]);
});

test('flips and shifts move pixels as documented; augmentation keeps image/label aligned', () => {
  const a = Int32Array.from([1, 2, 3, 4, 5, 6]); // 2 x 3
  assert.deepEqual([...flip(a, 2, 3, true, false)], [3, 2, 1, 6, 5, 4]);
  assert.deepEqual([...flip(a, 2, 3, false, true)], [4, 5, 6, 1, 2, 3]);
  assert.deepEqual([...shift(a, 2, 3, 1, -1)], [0, 0, 0, 2, 3, 0]);
  // Image equal to its label: any flip/shift/elastic must keep them equal where labels are nearest.
  const lab = Int32Array.from({ length: 64 }, (_, i) => ((i % 8) + Math.floor(i / 8)) % 3);
  const img = Float32Array.from(lab);
  const rng = new Rng(4);
  for (let k = 0; k < 5; k++) {
    const r = augmentSample(img, lab, 8, 8, { flipVertical: true, maxShift: 2 }, rng);
    assert.deepEqual([...r.image], [...(r.label ?? [])]);
  }
  const el = augmentSample(img, lab, 8, 8, { elastic: { alpha: 2 } }, new Rng(1));
  assert.notDeepEqual([...(el.label ?? [])], [...lab]);
  assert.ok([...(el.label ?? [])].every((v) => v >= 0 && v <= 2));
});

test('split is disjoint, covers all cases and does not depend on listing order', () => {
  const ids = Array.from({ length: 20 }, (_, i) => `case_${i}`);
  const s = splitCases(ids, { val: 0.2, test: 0.1, seed: 1 });
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [14, 4, 2]);
  const all = [...s.train, ...s.val, ...s.test];
  assert.equal(new Set(all).size, 20);
  const shuffled = splitCases([...ids].reverse(), { val: 0.2, test: 0.1, seed: 1 });
  assert.deepEqual(shuffled, s);
  const other = splitCases(ids, { val: 0.2, test: 0.1, seed: 2 });
  assert.notDeepEqual(other.val, s.val);
  const counts = splitCases(ids, { train: 5, val: 3, test: 2, unit: 'count', seed: 1 });
  assert.deepEqual([counts.train.length, counts.val.length, counts.test.length], [5, 3, 2]);
  assert.throws(() => splitCases(ids, { val: 0.7, test: 0.5, seed: 1 }), /sum to/);
  assert.throws(() => splitCases(['a', 'a'], { val: 0.5, test: 0, seed: 1 }), /unique/);
  // Adding a case keeps the old val/test members unless the new one displaces them.
  const grown = splitCases([...ids, 'case_20'], {
    train: 14 / 21,
    val: 4 / 21,
    test: 2 / 21,
    unit: 'fraction',
    seed: 1,
  });
  assert.ok(s.val.filter((id) => grown.val.includes(id)).length >= 3);
});

test('batchToTensors builds NHWC float32 x and int32 y', async () => {
  await initBackend({ backend: 'cpu' });
  const b = new BatchIterator(sliced, { batchSize: 2, seed: 1, shuffle: false }).next();
  const { x, y } = batchToTensors(b);
  assert.deepEqual(x.shape, [2, 16, 16, 1]);
  assert.deepEqual(y.shape, [2, 16, 16]);
  assert.equal(y.dtype, 'int32');
  assert.deepEqual(Array.from(await y.data()), Array.from(b.y));
  tf.dispose([x, y]);
});
