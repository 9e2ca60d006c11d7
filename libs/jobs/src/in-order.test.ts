import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inOrder } from './in-order.js';

test('inOrder runs queued work one after the other in call order, past a failure', async () => {
  const { later, settled } = inOrder();
  const seen: string[] = [];
  const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  later(async () => {
    await wait(20);
    seen.push('a');
  });
  later(async () => {
    seen.push('b');
    throw new Error('publish failed');
  });
  later(async () => {
    seen.push('c');
  });
  assert.deepEqual(seen, []);
  await settled();
  assert.deepEqual(seen, ['a', 'b', 'c']);
});
