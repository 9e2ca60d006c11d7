import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flipLpsRas } from './coordinates.js';

test('flipLpsRas negates the x and y world rows and is its own inverse', () => {
  const lps = [
    [0.5, 0, 0.1, -97],
    [0, 0.7, 0, -77],
    [0, -0.2, 2, 20],
    [0, 0, 0, 1],
  ];
  const ras = flipLpsRas(lps);
  assert.deepEqual(ras, [
    [-0.5, 0, -0.1, 97],
    [0, -0.7, 0, 77],
    [0, -0.2, 2, 20],
    [0, 0, 0, 1],
  ]);
  assert.deepEqual(flipLpsRas(ras), lps);
});
