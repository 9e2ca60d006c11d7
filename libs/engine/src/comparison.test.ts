import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedBootstrap } from './comparison.js';

test('paired bootstrap: a consistent gain excludes zero, noise around zero does not', () => {
  const base = Array.from({ length: 52 }, (_, i) => 0.8 + 0.05 * Math.sin(i));
  const better = base.map((v, i) => v + 0.02 + 0.005 * Math.cos(3 * i));
  const r = pairedBootstrap(better, base, { seed: 1 });
  assert.ok(
    Math.abs(r.meanDiff - (better.reduce((s, v) => s + v, 0) - base.reduce((s, v) => s + v, 0)) / 52) < 1e-12,
  );
  assert.ok(r.lo > 0 && r.hi > r.lo && r.lo < r.meanDiff && r.meanDiff < r.hi, JSON.stringify(r));
  assert.equal(r.pAbove, 1);
  const noisy = base.map((v, i) => v + (i % 2 === 0 ? 0.03 : -0.03));
  const z = pairedBootstrap(noisy, base, { seed: 1 });
  assert.ok(z.lo < 0 && z.hi > 0, JSON.stringify(z));
  // Same seed, same interval; the interval narrows with a lower level.
  assert.deepEqual(pairedBootstrap(noisy, base, { seed: 1 }), z);
  const narrow = pairedBootstrap(noisy, base, { seed: 1, level: 0.5 });
  assert.ok(narrow.hi - narrow.lo < z.hi - z.lo);
  assert.throws(() => pairedBootstrap([1], [1, 2]), /equally many/);
});
