import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseMetrics, hd95, percentile } from './metrics.js';
import { buildReport, formatReport } from './report.js';

const vol = (rows: number[][]): { data: Uint8Array; shape: [number, number, number] } => ({
  data: Uint8Array.from(rows.flat()),
  shape: [1, rows.length, (rows[0] as number[]).length],
});

test('hard Dice and IoU against hand-computed values', () => {
  // truth fg = 4 pixels, pred fg = 3 pixels, overlap 2 -> Dice 4/7, IoU 2/5.
  const truth = vol([
    [1, 1, 0],
    [1, 1, 0],
  ]);
  const pred = vol([
    [1, 0, 1],
    [0, 1, 0],
  ]);
  const m = caseMetrics('c', pred, truth, { nClasses: 2, hd95: false });
  assert.ok(Math.abs((m.classes[0]?.dice ?? 0) - 4 / 7) < 1e-12);
  assert.ok(Math.abs((m.classes[0]?.iou ?? 0) - 2 / 5) < 1e-12);
  assert.ok(Math.abs(m.pixelAccuracy - 3 / 6) < 1e-12);
});

test('empty conventions: both empty = 1 (HD95 0), one empty = 0 (HD95 null)', () => {
  const empty = vol([
    [0, 0],
    [0, 0],
  ]);
  const one = vol([
    [0, 1],
    [0, 0],
  ]);
  const both = caseMetrics('e', empty, empty, { nClasses: 2 });
  assert.equal(both.classes[0]?.dice, 1);
  assert.equal(both.classes[0]?.iou, 1);
  assert.equal(both.classes[0]?.hd95, 0);
  const miss = caseMetrics('m', empty, one, { nClasses: 2 });
  assert.equal(miss.classes[0]?.dice, 0);
  assert.equal(miss.classes[0]?.iou, 0);
  assert.equal(miss.classes[0]?.hd95, null);
});

test('multi-class: background is never averaged in', () => {
  const truth = vol([[0, 1, 2, 2]]);
  const pred = vol([[0, 1, 1, 2]]);
  const m = caseMetrics('k', pred, truth, { nClasses: 3, hd95: false });
  // class 1: inter 1, p 2, t 1 -> 2/3; class 2: inter 1, p 1, t 2 -> 2/3
  assert.ok(Math.abs(m.meanDice - 2 / 3) < 1e-12);
  assert.equal(m.classes.length, 2);
});

test('HD95 in mm uses the spacing', () => {
  const shape: [number, number, number] = [1, 1, 10];
  const a = new Uint8Array(10);
  const b = new Uint8Array(10);
  a[2] = 1;
  b[5] = 1;
  // single points 3 columns apart, columns 2 mm wide -> 6 mm
  assert.equal(hd95(a, b, shape, [1, 1, 2]), 6);
  assert.equal(percentile([0, 10], 0.95), 9.5);
});

test('3D metrics stack slices; report has per-class mean/sd and case rows', () => {
  const t = { data: Uint8Array.from([1, 0, 0, 0, 1, 1, 0, 0]), shape: [2, 2, 2] as [number, number, number] };
  const p = { data: Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0]), shape: [2, 2, 2] as [number, number, number] };
  const c1 = caseMetrics('a', p, t, { nClasses: 2 });
  // 3D: inter 2, pred 2, truth 3 -> 0.8
  assert.ok(Math.abs((c1.classes[0]?.dice ?? 0) - 0.8) < 1e-12);
  const c2 = caseMetrics('b', t, t, { nClasses: 2 });
  const r = buildReport([c1, c2], ['background', 'organ']);
  assert.ok(Math.abs((r.perClass[0]?.dice.mean ?? 0) - 0.9) < 1e-12);
  assert.ok(Math.abs((r.perClass[0]?.dice.sd ?? 0) - Math.sqrt(0.02)) < 1e-12);
  const text = formatReport(r);
  assert.match(text, /organ/);
  assert.match(text, /^a\s/m);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(r)));
});
