import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median } from './median.js';

test('median: middle value, mean of the two middles for an even count, NaN when empty; the input is not reordered', () => {
  const v = [5, 1, 4];
  assert.equal(median(v), 4);
  assert.deepEqual(v, [5, 1, 4]);
  assert.equal(median([10, 2, 3, 1]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});
