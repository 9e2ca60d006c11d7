/** How many ONNX Runtime threads each segmentation worker gets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnxThreadsPerWorker } from './segmentation-pool.js';

test('ONNX threads: a set value is kept; 0 shares the cores among the workers, at least one each', () => {
  assert.equal(onnxThreadsPerWorker(3, 4, 16), 3);
  assert.equal(onnxThreadsPerWorker(0, 1, 16), 16);
  assert.equal(onnxThreadsPerWorker(0, 4, 16), 4);
  assert.equal(onnxThreadsPerWorker(0, 3, 8), 2);
  assert.equal(onnxThreadsPerWorker(0, 4, 2), 1);
});
