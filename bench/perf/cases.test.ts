import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCase } from './cases.js';

test('--nets entries: family@preset with an optional /batch of their own', () => {
  assert.deepEqual(parseCase('unet@small', 16, 64), { family: 'unet', preset: 'small', batch: 16, side: 64 });
  assert.deepEqual(parseCase('supernet@small/8', 16, 64), {
    family: 'supernet',
    preset: 'small',
    batch: 8,
    side: 64,
  });
  assert.throws(() => parseCase('supernet@small/0', 16, 64), /--nets: expected a positive integer \(got 0\)/);
  assert.throws(() => parseCase('resnet@small', 16, 64), /unknown family in 'resnet@small'/);
  assert.throws(() => parseCase('unet@huge/4', 16, 64), /needs @tiny, @small or @paper/);
});
