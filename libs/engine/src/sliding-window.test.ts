/**
 * Sliding-window inference and the one segmentation path (segment = evaluate = service).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, type Tensor4D, type Variable } from '../../tensor/src/index.js';
import { makeVolume } from '../../data/src/index.js';
import { UNet } from '../../nas/src/index.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { CancelledError } from '../../core/src/index.js';
import {
  gaussianWeights,
  predictNetInputAsync,
  prepareNetInput,
  segmentVolumeClasses,
  slidingWindowProbabilities,
  tfjsModel,
  windowStarts,
  type ProbabilityModel,
} from './index.js';

await initBackend({ backend: 'cpu', logger: () => {} });

/** A network whose logits at a pixel depend on that pixel only: [x, 2 - x, x * x - 1]. */
const pointwiseNet: SegmentationNet = {
  apply: (x: Tensor4D) => tf.tidy(() => tf.concat([x, tf.sub(2, x), tf.sub(tf.square(x), 1)], 3) as Tensor4D),
  weightParams: (): Variable[] => [],
  parameterCount: () => 0,
  dispose: () => {},
};

function randomImage(h: number, w: number, seed: number): Float32Array {
  const out = new Float32Array(h * w);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

function softmaxWhole(net: SegmentationNet, image: Float32Array, h: number, w: number): Float32Array {
  return tf
    .tidy(() => tf.softmax(net.apply(tf.tensor4d(image, [1, h, w, 1]), false)))
    .dataSync() as Float32Array;
}

test('window starts cover the side, first at 0 and last flush with the end', () => {
  assert.deepEqual(windowStarts(64, 64, 0.5), [0]);
  assert.deepEqual(windowStarts(100, 32, 0.5), [0, 14, 27, 41, 54, 68]);
  for (const [size, win, ov] of [
    [512, 128, 0.5],
    [600, 96, 0.25],
    [1024, 256, 0.5],
    [33, 32, 0],
  ] as const) {
    const s = windowStarts(size, win, ov);
    assert.equal(s[0], 0);
    assert.equal(s.at(-1), size - win);
    for (let i = 1; i < s.length; i++) {
      assert.ok((s[i] as number) - (s[i - 1] as number) <= Math.floor(win * (1 - ov)), `${size}/${win}: gap`);
    }
  }
  assert.throws(() => windowStarts(10, 16, 0.5), /larger than the image/);
});

test('Gaussian weights peak at the centre, are symmetric and never zero', () => {
  const g = gaussianWeights(9, 7);
  assert.equal(g[4 * 7 + 3], 1);
  assert.equal(g[0], g[8 * 7 + 6]);
  assert.ok(g.every((v) => v > 0 && v <= 1));
  assert.ok(gaussianWeights(512, 512).every((v) => v > 0));
});

test('one window covering the image gives exactly the whole-image prediction', () => {
  const net = new UNet({ inChannels: 1, nClasses: 3, baseWidth: 4, depth: 2 }, { seed: 3 });
  const img = randomImage(16, 24, 5);
  const whole = softmaxWhole(net, img, 16, 24);
  const { probs } = slidingWindowProbabilities(net, img, 16, 24, 1, { window: [16, 24] });
  assert.deepEqual(Array.from(probs), Array.from(whole));
  net.dispose();
});

test('overlapping Gaussian-weighted windows average to the per-pixel prediction', () => {
  // The pointwise net predicts every pixel the same in every window, so the weighted sum
  // divided by the summed weights must give that value back wherever windows overlap.
  const img = randomImage(40, 52, 9);
  const whole = softmaxWhole(pointwiseNet, img, 40, 52);
  const { probs } = slidingWindowProbabilities(pointwiseNet, img, 40, 52, 1, {
    window: [16, 16],
    overlap: 0.5,
  });
  let worst = 0;
  for (let i = 0; i < whole.length; i++)
    worst = Math.max(worst, Math.abs((probs[i] as number) - (whole[i] as number)));
  assert.ok(worst < 1e-5, `max difference ${worst}`);
});

test('segmentation pads each slice to the recorded input size, as training did', () => {
  const net = new UNet({ inChannels: 1, nClasses: 2, baseWidth: 4, depth: 2 }, { seed: 4 });
  // One 10 x 6 axial slice (X = 6 columns, Y = 10 rows); the net was trained on 16 x 12.
  const img = randomImage(10, 6, 2);
  const volume = makeVolume(img, [6, 10, 1], [1, 1, 1]);
  const pre = {
    sliceAxis: 2 as const,
    normalization: { kind: 'fixed' as const, mean: 0, std: 1 },
    padMultiple: 4,
  };
  const got = segmentVolumeClasses(net, volume, {
    ...pre,
    padMode: 'zero',
    inputSize: [16, 12],
    nClasses: 2,
  });
  // By hand: centre the slice in 16 x 12 (3 rows above, 3 columns left), predict, crop.
  const padded = new Float32Array(16 * 12);
  for (let r = 0; r < 10; r++) padded.set(img.subarray(r * 6, r * 6 + 6), (r + 3) * 12 + 3);
  const logits = tf.tidy(() => tf.argMax(net.apply(tf.tensor4d(padded, [1, 16, 12, 1]), false), -1));
  const full = logits.dataSync();
  const want = new Uint8Array(60);
  for (let r = 0; r < 10; r++)
    for (let c = 0; c < 6; c++) want[r * 6 + c] = full[(r + 3) * 12 + c + 3] as number;
  assert.deepEqual(Array.from(got), Array.from(want));
  logits.dispose();
  net.dispose();
});

test('the served path checks in between batches of windows: a check that throws stops a large slice part-way', async () => {
  // One 64 x 64 slice for a network trained on 16 x 16 windows: 7 x 7 windows at overlap 0.5.
  const volume = makeVolume(randomImage(64, 64, 3), [64, 64, 1], [1, 1, 1]);
  const pre = {
    sliceAxis: 2 as const,
    normalization: { kind: 'fixed' as const, mean: 0, std: 1 },
    padMultiple: 1,
    padMode: 'zero' as const,
    inputSize: [16, 16] as [number, number],
    nClasses: 3,
  };
  const input = prepareNetInput(volume, pre);
  let passes = 0;
  const tfjs = tfjsModel(pointwiseNet);
  const model: ProbabilityModel = {
    runtime: 'tfjs',
    probabilities: (x, shape) => {
      passes++;
      return tfjs.probabilities(x, shape);
    },
  };
  // Unhindered: the same mask as the synchronous path, a check before every pass but the first.
  let checks = 0;
  const mask = await predictNetInputAsync(model, input, async () => {
    checks++;
  });
  assert.deepEqual(Array.from(mask), Array.from(segmentVolumeClasses(pointwiseNet, volume, pre)));
  assert.ok(passes > 3, `${passes} forward passes for 49 windows`);
  assert.equal(checks, passes - 1);
  // A check that throws at its third call (a cancelled request) stops the slice there.
  passes = 0;
  checks = 0;
  await assert.rejects(
    predictNetInputAsync(model, input, async () => {
      if (++checks === 3) throw new CancelledError('the client cancelled the request');
    }),
    CancelledError,
  );
  assert.equal(passes, 3);
});
