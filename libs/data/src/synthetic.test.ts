import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../core/src/index.js';
import { generateSyntheticDataset, loadDataset } from './index.js';

test('synthetic set is deterministic per seed and differs across seeds', () => {
  const a = generateSyntheticDataset({ count: 3, size: 32, seed: 5 });
  const b = generateSyntheticDataset({ count: 3, size: 32, seed: 5 });
  const c = generateSyntheticDataset({ count: 3, size: 32, seed: 6 });
  assert.deepEqual(
    a.cases.map((x) => [...x.image.data]),
    b.cases.map((x) => [...x.image.data]),
  );
  assert.equal(a.digest, b.digest);
  assert.notEqual(a.digest, c.digest);
  assert.notDeepEqual([...(a.cases[0]?.image.data ?? [])], [...(c.cases[0]?.image.data ?? [])]);
  // Case i depends only on (seed, i): a longer set extends a shorter one.
  const longer = generateSyntheticDataset({ count: 4, size: 32, seed: 5 });
  assert.deepEqual([...(longer.cases[2]?.image.data ?? [])], [...(a.cases[2]?.image.data ?? [])]);
});

test('synthetic cases contain both organs, with intensities that separate the classes', () => {
  const ds = generateSyntheticDataset({ count: 4, size: 48, seed: 1 });
  assert.equal(ds.kind, 'synthetic');
  assert.deepEqual(
    ds.classes.map((c) => c.code),
    [0, 1, 2],
  );
  for (const c of ds.cases) {
    assert.deepEqual(c.image.shape, [48, 48, 1]);
    const sums = [0, 0, 0];
    const counts = [0, 0, 0];
    const lab = c.label?.data as Float32Array;
    c.image.data.forEach((v, i) => {
      const k = lab[i] as number;
      sums[k] = (sums[k] as number) + v;
      counts[k] = (counts[k] as number) + 1;
    });
    assert.ok(
      (counts[1] as number) > 20 && (counts[2] as number) > 20,
      `both organs present in ${c.id}: ${counts.join(',')}`,
    );
    const mean = sums.map((s, k) => s / (counts[k] as number));
    assert.ok((mean[1] as number) > (mean[0] as number) + 0.2, 'bright organ is brighter than the rest');
    assert.ok((mean[2] as number) < (mean[1] as number) - 0.4, 'dark organ is darker than the bright one');
  }
});

test('synthetic config is validated and maxCases caps the count', async () => {
  assert.throws(
    () => generateSyntheticDataset({ size: 4 }),
    (e: unknown) => e instanceof ValidationError && /size/.test(e.message),
  );
  assert.throws(() => generateSyntheticDataset({ count: 0 }), /count/);
  const ds = await loadDataset({ kind: 'synthetic', count: 10, size: 16 }, { maxCases: 2 });
  assert.equal(ds.cases.length, 2);
});
