import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../engine/src/index.js';
import { ProgressReporter } from './progress.js';

const step = (n: number): EngineEvent => ({
  type: 'step',
  kind: 'train',
  epoch: 0,
  stepInEpoch: n,
  stepsPerEpoch: 100,
  step: n,
  totalSteps: 100,
  loss: 0.5,
  alphaLoss: null,
  lr: 1e-3,
  etaSeconds: 90,
});

test('without a terminal, a step line comes at least every 30 s and no more often', () => {
  let t = 0;
  const lines: string[] = [];
  const r = new ProgressReporter({
    quiet: false,
    json: false,
    tty: false,
    now: () => t,
    write: (s) => lines.push(s),
  });
  // One step every 7 s for 100 steps: 700 s of one epoch.
  for (let n = 1; n <= 100; n++) {
    t += 7_000;
    r.onEvent(step(n));
  }
  assert.equal(lines.length, Math.floor(700 / 35)); // every fifth step (35 s >= 30 s)
  assert.equal(lines[0], 'train: step 5/100, epoch 1, loss 0.5000, ETA 1m30s\n');
  // A terminal gets the bar instead, and --quiet nothing.
  const quiet: string[] = [];
  const q = new ProgressReporter({
    quiet: true,
    json: false,
    tty: false,
    now: () => t,
    write: (s) => quiet.push(s),
  });
  for (let n = 1; n <= 10; n++) {
    t += 60_000;
    q.onEvent(step(n));
  }
  assert.deepEqual(quiet, []);
});
