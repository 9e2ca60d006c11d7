/**
 * The lockstep table of the recipe report: relative loss drifts per step and their median
 * ratio, which says whether our engine drifts from PyTorch faster than PyTorch from itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockstepLines } from './report.js';

const trace = (loss: (step: number) => number, n = 200) =>
  Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: loss(i + 1) }));

test('the lockstep table gives each drift and the median ratio of ours to PyTorch against itself', () => {
  const torch1 = trace(() => 1);
  // PyTorch on two threads drifts by 1e-5 * step, ours by twice that.
  const torch2 = trace((s) => 1 + 1e-5 * s);
  const ours = trace((s) => 1 - 2e-5 * s);
  const lines = lockstepLines({ seed: 3, ours, torch1, torch2 });
  assert.ok(lines[0]!.includes('seed 3') && lines[0]!.includes('first 200 steps'));
  assert.ok(lines.includes('| 100 | 2.0e-3 | 1.0e-3 |'), lines.join('\n'));
  assert.ok(!lines.some((l) => l.startsWith('| 250 ')), 'steps past the traces are left out');
  assert.match(lines.at(-1)!, /Median ratio of the two drifts .*: 2\.00\./);
  // A shorter trace bounds the table.
  const short = lockstepLines({ seed: 0, ours: ours.slice(0, 20), torch1, torch2 });
  assert.ok(short.some((l) => l.startsWith('| 20 |')) && !short.some((l) => l.startsWith('| 50 |')));
});
