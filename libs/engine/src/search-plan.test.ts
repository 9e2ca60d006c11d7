/**
 * Automatic search configuration: documented choices on the hippocampus fingerprint for a
 * fast and a slow machine, a budget that cannot buy the minimum, memory, and --epochs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceLimitError } from '../../core/src/index.js';
import { hippocampus, micrographs } from './testing/fingerprints.js';
import { planSearch, searchWithEpochs, type SearchPlanRequest } from './index.js';

/** Seconds per bilevel step proportional to C^2 x pixels x batch. */
function request(secondsPerUnit: number, over: Partial<SearchPlanRequest> = {}): SearchPlanRequest {
  const work = (c: { width: number; patch: [number, number]; batchSize: number }): number =>
    c.width * c.width * c.patch[0] * c.patch[1] * c.batchSize;
  return {
    memoryBytes: 4 * 2 ** 30,
    timeSeconds: 3600,
    stepSeconds: (c) => work(c) * secondsPerUnit,
    peakBytes: (c) => work(c) * 64,
    ...over,
  };
}

const value = (p: { choices: { name: string; value: unknown }[] }, name: string): unknown =>
  p.choices.find((c) => c.name === name)?.value;

test('on a fast machine the search gets C = 16, batch 8, 200 warm-up steps and 1000 to 1500 alpha updates', () => {
  // 16^2 x 64 x 48 x 8 units = 6.3 M: 1 s per step at this rate.
  const p = planSearch(hippocampus, request(1 / 6_291_456));
  assert.deepEqual([p.sliceAxis, p.depth, p.patch, p.nodes], [2, 2, [64, 48], 3]);
  assert.deepEqual([p.width, p.batchSize], [16, 8]);
  assert.deepEqual([p.warmupSteps, p.minSteps, p.steps], [200, 1200, 1700]);
  assert.deepEqual([p.stepsPerEpoch, p.patience, p.foregroundShare], [100, 5, 1 / 3]);
  assert.equal(p.augmentation, 'flips');
  assert.equal(p.alphaLr, 3e-4, "the spec's alpha learning rate");
  assert.equal(value(p, 'minSteps'), 1200);
  assert.ok(p.choices.every((c) => c.reason.length > 0));
});

test('a slower machine keeps the 1000 alpha updates and narrows the supernet or its batch instead', () => {
  // 4 s per step at C = 16, batch 8: 1200 steps would take 80 min; at batch 4, 40 min.
  const p = planSearch(hippocampus, request(4 / 6_291_456));
  assert.deepEqual([p.width, p.batchSize, p.minSteps], [16, 4, 1200]);
  // 30 s at C = 16, batch 8: nothing at batch 4 fits 1200 steps in an hour (C = 8 takes
  // 3.75 s), C = 8 at batch 2 does (1.9 s), before alpha updates are given up.
  const q = planSearch(hippocampus, request(30 / 6_291_456));
  assert.deepEqual([q.width, q.batchSize, q.minSteps], [8, 2, 1200]);
});

test('a budget that cannot buy 1000 alpha updates searches what it can and says so', () => {
  // The fastest configuration (most alpha updates), not the widest that makes the floor:
  // with 2000 s, C = 12 at batch 2 (4.2 s) would make 300 updates, C = 8 (1.9 s) makes 888.
  const q = planSearch(hippocampus, request(30 / 6_291_456, { timeSeconds: 2000 }));
  assert.deepEqual([q.width, q.batchSize, q.minSteps], [8, 2, 1066]);
  const p = planSearch(hippocampus, request(30 / 6_291_456, { timeSeconds: 1200 }));
  assert.deepEqual([p.width, p.batchSize], [8, 2]);
  assert.ok(p.minSteps < 1200 && p.minSteps >= 360, `minSteps ${p.minSteps}`);
  assert.match(p.choices.find((c) => c.name === 'minSteps')!.reason, /fewer than 1000/);
  assert.throws(
    () => planSearch(hippocampus, request(30 / 6_291_456, { timeSeconds: 10 })),
    (e: unknown) => e instanceof ResourceLimitError && /alpha updates within the 10 s/.test(e.message),
  );
});

test('large images search on patches; memory and overrides are respected', () => {
  const p = planSearch(micrographs, request(1e-12));
  assert.deepEqual(p.patch, [256, 256]);
  assert.equal(p.sliceSize[0] >= 1024, true);
  // 30 images: the search's weights train with shifts and elastic deformation as well.
  assert.equal(p.augmentation, 'spatial');
  assert.throws(
    () => planSearch(hippocampus, request(1e-9, { memoryBytes: 1 })),
    (e: unknown) => e instanceof ResourceLimitError && /memory budget/.test(e.message),
  );
  const o = planSearch(
    hippocampus,
    request(1e-9, { overrides: { width: 4, batchSize: 2, steps: 50, patience: 2, alphaLr: 3e-3 } }),
  );
  assert.deepEqual(
    [o.width, o.batchSize, o.steps, o.minSteps, o.warmupSteps, o.patience, o.alphaLr],
    [4, 2, 50, 50, 10, 2, 3e-3],
  );
  assert.match(o.choices.find((c) => c.name === 'alphaLr')!.reason, /given \(--alpha-lr\)/);
  assert.match(o.choices.find((c) => c.name === 'width')!.reason, /given \(--channels\)/);
});

test('--epochs counts passes over the weight half and lets the search stop whenever it is stable', () => {
  const p = searchWithEpochs(planSearch(hippocampus, request(1 / 6_291_456)), 3, 40);
  assert.deepEqual([p.steps, p.stepsPerEpoch, p.minSteps, p.warmupSteps], [120, 40, 0, 60]);
  assert.equal(value(p, 'maxSteps'), 120);
});

test('two cores: the search plans two workers and sizes the steps by one worker’s share', () => {
  // 4 s per bilevel step at C = 16, batch 8 in one thread: the batch drops to 4 (see above);
  // two workers each computing 4 of the 8 slices keep batch 8.
  const share = (c: { width: number; patch: [number, number]; batchSize: number; workers: number }) =>
    (c.width * c.width * c.patch[0] * c.patch[1] * Math.ceil(c.batchSize / c.workers) * 4) / 6_291_456;
  const one = planSearch(hippocampus, request(0, { stepSeconds: share }));
  const two = planSearch(hippocampus, request(0, { stepSeconds: share, cores: 2 }));
  assert.equal(one.workers, 1);
  assert.equal(two.workers, 2);
  assert.ok(one.width < 16 || one.batchSize < 8, 'one thread cannot keep C = 16 at batch 8');
  assert.deepEqual([two.width, two.batchSize], [16, 8]);
  assert.equal(value(two, 'workers'), 2);
});
