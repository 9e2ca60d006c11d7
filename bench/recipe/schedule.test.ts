/**
 * The batch schedule the PyTorch twin replays: the items and flips of every step are those
 * our engine's `trainingBatches` draws, and a batch row that is neither its slice nor the
 * slice's mirror is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RECIPE_AUGMENT,
  hasForeground,
  trainingBatches,
  type SliceSet,
} from '../../libs/engine/src/index.js';
import { DEFAULT_PROTOCOL, recipeSampling } from './protocol.js';
import { batchSchedule, flipOf } from './schedule.js';

const H = 8;
const W = 6;

/** 30 two-channel slices, every pixel distinct; one in five has foreground. */
function sliceSet(): SliceSet {
  const slices = Array.from({ length: 30 }, (_, i) => {
    const image = new Float32Array(H * W * 2).map((_, j) => i * 1000 + j);
    const label = new Uint8Array(H * W);
    if (i % 5 === 0) label[W + 1] = 1 + (i % 2);
    return { caseId: `c${i}`, index: i, image, label };
  });
  return { height: H, width: W, channels: 2, nClasses: 3, classNames: ['bg', 'a', 'b'], slices };
}

test('the schedule holds the items and flips our engine trains on, step by step', () => {
  const set = sliceSet();
  const p = { ...DEFAULT_PROTOCOL, batchSize: 6, steps: [5, 20] };
  const { items, flips } = batchSchedule(p, set, 3);
  assert.equal(items.length, 20 * 6);
  const source = trainingBatches(set, 6, recipeSampling(p), RECIPE_AUGMENT, 3);
  for (const step of [0, 7, 19]) {
    const drawn = source.draw({ epoch: Math.floor(step / 5), stepInEpoch: step % 5, step });
    for (let b = 0; b < 6; b++) {
      const s = set.slices[items[step * 6 + b] as number];
      assert.equal(s, drawn.items[b]);
      // Row b of the batch is the slice, mirrored exactly when the schedule says so.
      const mirrored = flips[step * 6 + b] === 1;
      const col = 0;
      const seen = drawn.batch.x[(b * H * W + 2 * W + col) * 2 + 1];
      assert.equal(seen, s?.image[(2 * W + (mirrored ? W - 1 - col : col)) * 2 + 1]);
    }
    // Two of every six items (a third) come from slices with foreground.
    for (let b = 0; b < 2; b++) assert.ok(hasForeground(set.slices[items[step * 6 + b] as number]!));
  }
  const share = flips.reduce((a, f) => a + f, 0) / flips.length;
  assert.ok(share > 0.35 && share < 0.65, `flip share ${share}`);
  assert.deepEqual(batchSchedule(p, set, 3).items, items);
  assert.notDeepEqual(batchSchedule(p, set, 4).items, items);
});

test('a batch row that is neither its slice nor its mirror is refused', () => {
  const set = sliceSet();
  const s = set.slices[1]!;
  const x = new Float32Array(H * W * 2);
  x.set(s.image);
  const batch = { x, y: Int32Array.from(s.label), shape: [1, H, W, 2] as [number, number, number, number] };
  assert.equal(flipOf(batch, 0, s), 0);
  x[5] = -1;
  assert.throws(() => flipOf(batch, 0, s), /neither its slice nor/);
});
