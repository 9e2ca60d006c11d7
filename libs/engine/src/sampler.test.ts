/**
 * Batch samplers: epoch passes, foreground oversampling and random patches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropPatch, hasForeground, makeSampler, type Slice } from './index.js';

const H = 40;
const W = 56;

/** Slices whose image value encodes the pixel position (r * 1000 + c) and the slice number. */
function slices(n: number, withForeground: (i: number) => boolean): Slice[] {
  return Array.from({ length: n }, (_, i) => {
    const image = new Float32Array(H * W);
    const label = new Uint8Array(H * W);
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) image[r * W + c] = i * 1e5 + r * 1000 + c;
    // A small foreground blob near a corner, so random patches often miss it.
    if (withForeground(i))
      for (let r = 2; r < 5; r++) for (let c = 50; c < 54; c++) label[r * W + c] = 1 + (i % 2);
    return { caseId: `c${i}`, index: 0, image, label };
  });
}

const set = (s: Slice[]) => ({ height: H, width: W, channels: 1, slices: s });

test('epoch sampling visits every slice once per epoch in a seeded order', () => {
  const s = slices(10, () => true);
  const sampler = makeSampler(set(s), 4, { kind: 'epochs' }, 3);
  assert.equal(sampler.stepsPerEpoch, 3);
  const seen = [0, 1, 2].flatMap((b) => sampler.batch(0, b, b).map((x) => x.caseId));
  assert.deepEqual([...seen].sort(), s.map((x) => x.caseId).sort());
  const again = makeSampler(set(s), 4, { kind: 'epochs' }, 3)
    .batch(0, 1, 1)
    .map((x) => x.caseId);
  assert.deepEqual(again, seen.slice(4, 8));
});

test('foreground oversampling: the configured share of each batch holds foreground', () => {
  // One slice in ten has foreground: uniform drawing alone would give about 10 %.
  const s = slices(50, (i) => i % 10 === 0);
  const sampler = makeSampler(set(s), 12, { kind: 'foreground', foregroundShare: 0.5, stepsPerEpoch: 5 }, 1);
  let fg = 0;
  let total = 0;
  for (let step = 0; step < 200; step++) {
    const b = sampler.batch(0, step, step);
    assert.equal(b.length, 12);
    b.slice(0, 6).forEach((x) =>
      assert.ok(hasForeground(x), `step ${step}: a foreground item without foreground`),
    );
    fg += b.filter(hasForeground).length;
    total += b.length;
  }
  // Expected share: 0.5 + 0.5 * 0.1 = 0.55.
  assert.ok(Math.abs(fg / total - 0.55) < 0.03, `foreground share ${fg / total}`);
  assert.deepEqual(sampler.batch(0, 7, 7), sampler.batch(0, 7, 7));
});

test('patches lie inside the slice, are centred on foreground where asked, and keep pixels in place', () => {
  const s = slices(20, () => true);
  const [ph, pw] = [16, 24];
  const sampler = makeSampler(
    set(s),
    8,
    { kind: 'foreground', foregroundShare: 0.25, stepsPerEpoch: 5, patch: [ph, pw] },
    2,
  );
  assert.deepEqual([sampler.height, sampler.width], [ph, pw]);
  let fgPatches = 0;
  for (let step = 0; step < 100; step++) {
    sampler.batch(0, step, step).forEach((p, i) => {
      assert.equal(p.image.length, ph * pw);
      assert.equal(p.label.length, ph * pw);
      const first = p.image[0] as number;
      const top = Math.floor((first % 1e5) / 1000);
      const left = first % 1000;
      assert.ok(top >= 0 && left >= 0 && top + ph <= H && left + pw <= W, `patch at (${top}, ${left})`);
      for (let r = 0; r < ph; r++) {
        for (let c = 0; c < pw; c++) assert.equal(p.image[r * pw + c], first + r * 1000 + c);
      }
      if (i < 2) assert.ok(hasForeground(p), 'a foreground-centred patch without foreground');
      if (hasForeground(p)) fgPatches++;
    });
  }
  assert.ok(fgPatches >= 200, `${fgPatches} patches with foreground`);
  assert.throws(
    () => cropPatch(s[0] as Slice, { height: H, width: W, channels: 1 }, 30, 0, 16, 16),
    /outside/,
  );
  assert.throws(
    () =>
      makeSampler(
        set(s),
        8,
        { kind: 'foreground', foregroundShare: 0.3, stepsPerEpoch: 1, patch: [64, 8] },
        0,
      ),
    /at most/,
  );
  assert.throws(
    () => makeSampler(set(s), 8, { kind: 'foreground', foregroundShare: 1.5, stepsPerEpoch: 1 }, 0),
    /\[0, 1\]/,
  );
});
