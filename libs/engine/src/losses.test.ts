import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../tensor/src/index.js';
import { crossEntropyLoss, segmentationLoss, softDiceLoss } from './losses.js';

await initBackend({ backend: 'cpu' });

test('cross-entropy equals the hand-computed value', () => {
  // One pixel, logits (0, ln 3): softmax = (1/4, 3/4); label 1 -> -ln(3/4).
  const logits = tf.tensor4d([0, Math.log(3), 0, 0], [1, 1, 2, 2]);
  const labels = tf.tensor3d([1, 0], [1, 1, 2], 'int32');
  const ce = crossEntropyLoss(logits, labels).dataSync()[0] as number;
  // pixel 2: logits (0,0), label 0 -> ln 2
  assert.ok(Math.abs(ce - (-Math.log(0.75) + Math.log(2)) / 2) < 1e-6, `ce ${ce}`);
});

test('soft Dice: perfect, wrong and empty-empty cases', () => {
  const big = 40;
  // Confident correct prediction of a 1-pixel foreground among 2 pixels.
  const perfect = tf.tensor4d([-big, big, big, -big], [1, 1, 2, 2]);
  const labels = tf.tensor3d([1, 0], [1, 1, 2], 'int32');
  assert.ok((softDiceLoss(perfect, labels).dataSync()[0] as number) < 1e-6);
  // Confidently wrong: foreground predicted where background is and vice versa.
  // inter = 0, sum p = 1, sum y = 1 -> dice = (0 + 1) / (2 + 1) = 1/3 -> loss 2/3.
  const wrong = tf.tensor4d([big, -big, -big, big], [1, 1, 2, 2]);
  assert.ok(Math.abs((softDiceLoss(wrong, labels).dataSync()[0] as number) - 2 / 3) < 1e-5);
  // No foreground anywhere, predicted background: dice (0+1)/(0+1) = 1 -> loss 0.
  const bg = tf.tensor4d([big, -big, big, -big], [1, 1, 2, 2]);
  const none = tf.tensor3d([0, 0], [1, 1, 2], 'int32');
  assert.ok((softDiceLoss(bg, none).dataSync()[0] as number) < 1e-6);
});

test('segmentation loss = CE + w * Dice and is differentiable', () => {
  const logits = tf.tensor4d([0.3, -0.2, 1.0, 0.5, -1, 2, 0, 0], [1, 2, 2, 2]);
  const labels = tf.tensor3d([1, 0, 1, 1], [1, 2, 2], 'int32');
  const ce = crossEntropyLoss(logits, labels).dataSync()[0] as number;
  const d = softDiceLoss(logits, labels).dataSync()[0] as number;
  const s = segmentationLoss(logits, labels, { diceWeight: 0.5 }).dataSync()[0] as number;
  assert.ok(Math.abs(s - (ce + 0.5 * d)) < 1e-6);
  const g = tf.grad((x: tf.Tensor) => segmentationLoss(x, labels))(logits);
  assert.deepEqual(g.shape, [1, 2, 2, 2]);
  assert.ok(Array.from(g.dataSync()).some((v) => Math.abs(v) > 1e-4));
});
