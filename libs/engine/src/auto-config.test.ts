/**
 * Automatic configuration: documented choices for three fingerprints, budgets and overrides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSyntheticDataset } from '../../data/src/index.js';
import {
  RECIPE_AUGMENT,
  augmentationOf,
  fingerprintDataset,
  formatPlan,
  planTraining,
  recipeAugmentFor,
  type PlanRequest,
} from './index.js';
import { ct, hippocampus, micrographs } from './testing/fingerprints.js';

/** A cost model proportional to width^2 x pixels x batch, enough to exercise the budgets. */
function request(over: Partial<PlanRequest> = {}): PlanRequest {
  const work = (c: { width: number; patch: [number, number]; batchSize: number }): number =>
    c.width * c.width * c.patch[0] * c.patch[1] * c.batchSize;
  return {
    architecture: 'unet',
    memoryBytes: 4 * 2 ** 30,
    timeSeconds: 3600,
    stepSeconds: (c) => work(c) * 2e-8,
    peakBytes: (c) => work(c) * 64,
    parameters: ({ width, depth }) => 10 * width * width * 4 ** depth,
    ...over,
  };
}

test('hippocampus-like MR volumes: axial whole slices 64 x 48, depth 3, z-score, batch 16, 2000 steps', () => {
  const p = planTraining(hippocampus, request());
  assert.equal(p.sliceAxis, 2);
  assert.equal(p.depth, 3);
  assert.deepEqual(p.patch, [64, 48]);
  assert.deepEqual(p.sliceSize, [64, 48]);
  assert.deepEqual(p.normalization, { kind: 'zscore' });
  assert.equal(p.batchSize, 16);
  assert.equal(p.width, 16);
  assert.equal(p.steps, 2000);
  // Tighter time budgets keep 2000 steps at a batch of 8 or more: first a smaller batch,
  // then a narrower net (toy cost: 0.25 s per step at width 16, batch 16).
  const quick = planTraining(hippocampus, request({ timeSeconds: 400 }));
  assert.deepEqual([quick.width, quick.batchSize, quick.steps], [16, 12, 2000]);
  const quicker = planTraining(hippocampus, request({ timeSeconds: 100 }));
  assert.deepEqual([quicker.width, quicker.batchSize, quicker.steps], [8, 12, 2000]);
  assert.ok(Math.abs(p.foregroundShare - 1 / 3) < 1e-12);
  // 260 cases of 36 slices: the recipe's flips, as the PyTorch reference trains.
  assert.equal(p.augmentation, 'flips');
  assert.match(p.choices.find((c) => c.name === 'augmentation')?.reason ?? '', /about 9360 slices/);
  // Cut along voxel axis 0 the slices' columns run front to back: no flips.
  const sagittal = planTraining(hippocampus, request({ overrides: { sliceAxis: 0 } }));
  assert.equal(sagittal.augmentation, 'none');
  assert.match(
    sagittal.choices.find((c) => c.name === 'augmentation')?.reason ?? '',
    /front to back: no flips/,
  );
  // NAS-Unet needs inputs of 2^(depth+1): at depth 2 (multiple 8) its coarsest level is
  // 8 x 6, as the U-Net's at depth 3; depth 3 would leave 4 x 3.
  const n = planTraining(hippocampus, request({ architecture: 'nasunet' }));
  assert.equal(n.depth, 2);
  assert.deepEqual(n.patch, [64, 48]);
  assert.match(n.choices.find((c) => c.name === 'depth')?.reason ?? '', /deepest level with >= 6 pixels/);
  // Two neighbours on each side (2.5D): 260 cases of 35 x 50 x 36 voxels stacked five deep
  // are 312 MiB, within a quarter of the 4 GiB budget; the parameter count (and the cost of
  // each candidate) is that of the five-channel net.
  assert.equal(p.contextSlices, 2);
  assert.match(p.choices.find((c) => c.name === 'contextSlices')?.reason ?? '', /2 on either side.* 312 MiB/);
  const inputs = new Set<number>();
  planTraining(hippocampus, request({ parameters: (c) => (inputs.add(c.inChannels), 1000) }));
  assert.deepEqual([...inputs], [5]);
  // Under a 1 GiB budget five-deep stacks would pass its quarter: one neighbour (188 MiB).
  const lean = planTraining(hippocampus, request({ memoryBytes: 2 ** 30 }));
  assert.equal(lean.contextSlices, 1);
  assert.match(lean.choices.find((c) => c.name === 'contextSlices')?.reason ?? '', /312 MiB .* 1024 MiB/);
  const alone = planTraining(hippocampus, request({ overrides: { contextSlices: 0 } }));
  assert.equal(alone.contextSlices, 0);
  assert.match(
    alone.choices.find((c) => c.name === 'contextSlices')?.reason ?? '',
    /given \(--context-slices\)/,
  );
  assert.equal(formatPlan(p).length, p.choices.length);
  assert.ok(formatPlan(p).every((l) => /^[a-zA-Z]+ = .+: .+/.test(l)));
});

test('anisotropic CT: slices across the coarse axis, 256 x 256 patches, fixed normalisation', () => {
  const p = planTraining(ct, request());
  assert.equal(p.sliceAxis, 2);
  assert.deepEqual(p.patch, [256, 256]);
  assert.deepEqual(p.sliceSize, [512, 512]);
  assert.equal(p.depth, 5);
  assert.equal(p.normalization.kind, 'fixed');
  // 40 volumes of 512 x 512 x 90 voxels are 3.5 GiB as single slices: no neighbours.
  assert.equal(p.contextSlices, 0);
  // Batch 16 at width 16 would need 16^2 * 256^2 * 16 * 64 bytes = 16 GiB: the planner
  // narrows the net before it gives up the batch.
  assert.ok(p.batchSize * p.width ** 2 * 256 * 256 * 64 <= 4 * 2 ** 30);
});

test('2D micrographs under tight budgets: smaller batch, fewer steps, every choice overridable', () => {
  const tight = planTraining(micrographs, request({ memoryBytes: 2 ** 30, timeSeconds: 200 }));
  assert.deepEqual(tight.patch, [256, 256]);
  assert.equal(tight.contextSlices, 0, '2D images have no neighbouring slices');
  assert.ok(tight.batchSize < 16);
  assert.ok(tight.steps < 2000 && tight.steps >= 500, `steps ${tight.steps}`);
  // 30 images are too few for flips alone: shifts and elastic deformation as well.
  assert.equal(tight.augmentation, 'spatial');
  assert.match(
    tight.choices.find((c) => c.name === 'augmentation')?.reason ?? '',
    /about 30 slices \(under 1000\)/,
  );
  const chosen = planTraining(
    micrographs,
    request({
      overrides: {
        patch: [128, 128],
        batchSize: 3,
        width: 8,
        steps: 77,
        foregroundShare: 0.5,
        augmentation: 'none',
      },
    }),
  );
  assert.deepEqual(
    [chosen.patch, chosen.batchSize, chosen.width, chosen.steps, chosen.foregroundShare, chosen.augmentation],
    [[128, 128], 3, 8, 77, 0.5, 'none'],
  );
  assert.ok(chosen.choices.filter((c) => c.reason.startsWith('given')).length >= 6);
  assert.throws(
    () => planTraining(micrographs, request({ memoryBytes: 1000, overrides: { patch: [128, 128] } })),
    (e: Error) =>
      e.name === 'ResourceLimitError' &&
      /needs about \d+ MiB, over 0 MiB; give a smaller --patch/.test(e.message),
  );
});

test('augmentations: flips are the recipe, spatial adds shifts of 1/16 and elastic of 1/32 of the patch', () => {
  assert.equal(recipeAugmentFor(0), false);
  assert.deepEqual([recipeAugmentFor(1), recipeAugmentFor(2)], [RECIPE_AUGMENT, RECIPE_AUGMENT]);
  assert.equal(augmentationOf('none', 64), false);
  assert.deepEqual(augmentationOf('flips', 64), RECIPE_AUGMENT);
  assert.deepEqual(augmentationOf('spatial', 64), {
    ...RECIPE_AUGMENT,
    maxShift: 4,
    elastic: { alpha: 2, grid: 4 },
  });
  assert.deepEqual(augmentationOf('spatial', 16), {
    ...RECIPE_AUGMENT,
    maxShift: 1,
    elastic: { alpha: 1, grid: 4 },
  });
});

test('fingerprint of the synthetic phantoms', () => {
  const ds = generateSyntheticDataset({ count: 4, size: 32, seed: 3 });
  const fp = fingerprintDataset(ds);
  assert.equal(fp.cases, 4);
  assert.deepEqual(fp.maxShape, ds.cases[0]?.image.shape);
  assert.ok(Math.abs(fp.classFrequency.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(fp.intensity.p005 <= fp.intensity.mean && fp.intensity.mean <= fp.intensity.p995);
});

test('workers: the cores share each batch, the step estimate is that of one share, --workers overrides', () => {
  const seen: number[] = [];
  const shareCost = (over: Partial<PlanRequest>): PlanRequest =>
    request({
      // Toy cost of the share one worker computes, plus a fixed part.
      stepSeconds: (c) => {
        seen.push(c.workers);
        return 0.05 + 0.05 * Math.ceil(c.batchSize / c.workers);
      },
      ...over,
    });
  const one = planTraining(hippocampus, shareCost({ timeSeconds: 2000 }));
  assert.equal(one.workers, 1);
  assert.equal(one.batchSize, 16);
  assert.ok(Math.abs((one.estimatedStepSeconds ?? NaN) - 0.85) < 1e-9);
  assert.ok(seen.every((w) => w === 1));
  const two = planTraining(hippocampus, shareCost({ timeSeconds: 2000, cores: 2 }));
  assert.equal(two.workers, 2);
  assert.ok(
    Math.abs((two.estimatedStepSeconds ?? NaN) - 0.45) < 1e-9,
    'one worker computes 8 of the 16 slices',
  );
  // 2000 steps fit 1000 s at batch 8 (0.45 s) in one thread, at batch 16 with two workers.
  assert.equal(planTraining(hippocampus, shareCost({ timeSeconds: 1000 })).batchSize, 8);
  assert.equal(planTraining(hippocampus, shareCost({ timeSeconds: 1000, cores: 2 })).batchSize, 16);
  const given = planTraining(hippocampus, shareCost({ cores: 4, overrides: { workers: 3, batchSize: 2 } }));
  assert.equal(given.workers, 2, 'never more workers than slices in a batch');
  // Planned (not given), a worker gets at least 4 slices: a batch of 4 stays in one thread.
  const small = planTraining(hippocampus, shareCost({ cores: 4, overrides: { batchSize: 4 } }));
  assert.equal(small.workers, 1);
  assert.equal(planTraining(hippocampus, shareCost({ cores: 4, overrides: { batchSize: 12 } })).workers, 3);
  assert.match(given.choices.find((c) => c.name === 'workers')?.reason ?? '', /given \(--workers\)/);
});

test('the step time is measured only when a choice depends on it', () => {
  let calls = 0;
  const counted = (overrides: PlanRequest['overrides']): PlanRequest =>
    request({
      stepSeconds: (c) => {
        calls++;
        return 1e-4 * c.width * c.batchSize;
      },
      overrides,
    });
  // Width, batch and steps given: nothing to measure for.
  const given = planTraining(hippocampus, counted({ width: 8, batchSize: 16, steps: 1 }));
  assert.equal(calls, 0);
  assert.equal(given.estimatedStepSeconds, null);
  assert.deepEqual([given.width, given.batchSize, given.steps], [8, 16, 1]);
  assert.doesNotMatch(given.choices.map((c) => c.reason).join('\n'), /per step/);
  // The steps come from the time budget: measured once, and the reason says so.
  const budgeted = planTraining(hippocampus, counted({ width: 8, batchSize: 16 }));
  assert.equal(calls, 1);
  assert.ok(Math.abs((budgeted.estimatedStepSeconds ?? NaN) - 0.0128) < 1e-12);
  assert.match(budgeted.choices.find((c) => c.name === 'steps')?.reason ?? '', /0\.01 s per step/);
});
