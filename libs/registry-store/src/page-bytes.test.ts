import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPageToBytes } from './page-bytes.js';

test('a listing page is cut to the byte budget and continues where it was cut', () => {
  const items = Array.from({ length: 5 }, (_, i) => ({ i, blob: 'x'.repeat(400) }));
  const q = { offset: 10, limit: 5 };
  const cut = fitPageToBytes({ items, nextOffset: 15 }, q, 1000);
  assert.deepEqual(
    cut.items.map((x) => x.i),
    [0, 1],
  );
  assert.equal(cut.nextOffset, 12);
  // One record over the budget still makes a page of one.
  assert.deepEqual(fitPageToBytes({ items }, q, 10).items.length, 1);
  // A page that fits is returned as it was, including its end.
  const all = fitPageToBytes({ items }, q, 1e6);
  assert.equal(all.items.length, 5);
  assert.equal(all.nextOffset, undefined);
});
