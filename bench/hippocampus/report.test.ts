/**
 * The hippocampus report's comparisons: per-class figures averaged over training seeds, and
 * the paired comparison of the found net with another network, overall and class by class.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EvalRecord } from './eval-stage.js';
import type { NetName } from './networks.js';
import { defaultConfig } from './config.js';
import { SECTION_HEADING, netResults, sectionHeading, targetAndComparisons } from './report.js';

/** An evaluation whose per-case Dice of case i is `perCase(i)` = [anterior, posterior]. */
function evalRecord(name: NetName, seed: number, perCase: (i: number) => [number, number]): EvalRecord {
  const cases = Array.from({ length: 20 }, (_, i) => ({ caseId: `case_${i}`, dice: perCase(i) }));
  const mean = (k: number) => cases.reduce((s, c) => s + c.dice[k]!, 0) / cases.length;
  return {
    name,
    seed,
    parameters: 100_000,
    flopsPerSlice: 1e6,
    nCases: cases.length,
    nSlices: 100,
    classNames: ['anterior', 'posterior'],
    trainWallSeconds: 1,
    inferenceSeconds: 1,
    dice: {
      anterior: { mean: mean(0), sd: 0, n: cases.length },
      posterior: { mean: mean(1), sd: 0, n: cases.length },
    },
    meanDice: (mean(0) + mean(1)) / 2,
    perCase: cases,
  };
}

test('per-class per-case Dice is averaged over seeds, and each class is compared on its own', () => {
  // Found: anterior 0.80 on every case (two seeds 0.78 and 0.82), posterior 0.70 + 0.01 * (i % 2).
  // U-Net: anterior 0.80 (a tie), posterior 0.70 on every case, so the found net is higher on
  // the posterior of the ten odd cases and equal elsewhere.
  const evals = [
    evalRecord('found', 0, (i) => [0.78, 0.7 + 0.01 * (i % 2)]),
    evalRecord('found', 1, (i) => [0.82, 0.7 + 0.01 * (i % 2)]),
    evalRecord('unet-matched', 0, () => [0.8, 0.7]),
  ];
  const [found, unet] = netResults(evals);
  assert.equal(found!.name, 'found');
  assert.ok(Math.abs(found!.perCaseByClass['anterior']![3]! - 0.8) < 1e-12);
  assert.ok(Math.abs(found!.perCaseByClass['posterior']![3]! - 0.71) < 1e-12);
  assert.ok(Math.abs(found!.perCase[3]! - 0.755) < 1e-12);
  const [target, line] = targetAndComparisons(found!, [unet!], (n) => n);
  assert.match(target!, /MISSED \(anterior 0\.800, posterior 0\.705/);
  assert.match(line!, /^found vs unet-matched: per-case mean Dice difference \+0\.0025, /);
  // Anterior: every difference is 0, so the interval is [0, 0] and not marked.
  assert.match(
    line!,
    /per class: anterior \+0\.0000 \[0\.0000, 0\.0000\], posterior \+0\.0050 \[0\.00\d\d, 0\.00\d\d\] \(higher\)/,
  );
  assert.match(line!, /higher on 10 of 20 cases$/);
});

test('a run with other sizes than the default gets its own section', () => {
  const d = defaultConfig('data');
  assert.equal(sectionHeading(d), SECTION_HEADING);
  const big = { ...d, sliceAxis: 2 as const, train: { ...d.train, minParameters: 500_000 } };
  assert.equal(
    sectionHeading(big),
    '## Hippocampus, slices along voxel axis 2, derived nets of at least 500 k parameters: found cells vs random cells vs U-Net (issue 9)',
  );
});
