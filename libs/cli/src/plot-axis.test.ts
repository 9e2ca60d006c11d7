/**
 * Plot axes: integer epoch ticks, Dice on 0..1, losses from 0, readable labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisFor, tickLabel } from './plot-axis.js';

test('a 3-epoch curve gets the integer ticks 1, 2, 3 and nothing in between', () => {
  const a = axisFor([1, 2, 3], { integer: true });
  assert.deepEqual(a.ticks, [1, 2, 3]);
  assert.deepEqual([a.lo, a.hi], [1, 3]);
  assert.deepEqual(
    a.ticks.map((t) => tickLabel(t, a.step)),
    ['1', '2', '3'],
  );
});

test('integer axes stay integer for one epoch and for many', () => {
  for (const xs of [
    [1],
    [1, 2],
    Array.from({ length: 7 }, (_, i) => i + 1),
    Array.from({ length: 40 }, (_, i) => i + 1),
  ]) {
    const a = axisFor(xs, { integer: true });
    assert.ok(a.ticks.every(Number.isInteger), `${a.ticks.join(',')} for ${xs.length} epochs`);
    assert.ok(a.lo <= Math.min(...xs) && a.hi >= Math.max(...xs));
    assert.ok(a.ticks.length <= 6 && a.ticks.length >= 2);
  }
  assert.deepEqual(
    axisFor(
      Array.from({ length: 40 }, (_, i) => i + 1),
      { integer: true },
    ).ticks,
    [0, 10, 20, 30, 40],
  );
});

test('Dice spans 0..1 and a loss axis starts at 0, with nice round ticks', () => {
  const dice = axisFor([0.61, 0.72, 0.8], { include: [0, 1] });
  assert.deepEqual([dice.lo, dice.hi], [0, 1]);
  assert.deepEqual(dice.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(
    dice.ticks.map((t) => tickLabel(t, dice.step)),
    ['0', '0.2', '0.4', '0.6', '0.8', '1.0'],
  );
  const loss = axisFor([1.74, 1.2, 0.93, NaN], { include: [0] });
  assert.equal(loss.lo, 0);
  assert.ok(loss.hi >= 1.74 && loss.hi <= 2);
  const lr = axisFor([1e-3, 5e-4], { include: [0] });
  assert.deepEqual(lr.ticks.map((t) => tickLabel(t, lr.step)).slice(-1), ['1.0e-3']);
  assert.deepEqual(axisFor([]).ticks[0], 0);
});
