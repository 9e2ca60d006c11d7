/**
 * The slices handed to the PyTorch twin, so both implementations train and test on the
 * same arrays: `data/meta.json` plus raw little-endian files (`*_x.f32` images `[N, H, W, C]`,
 * `*_y.u8` label maps). Test slices are grouped by case in slice order; `meta.test` gives
 * each case's first slice, slice count and the unpadded region that Dice is computed on.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Slice, SliceSet } from '../../libs/engine/src/index.js';

/** Test cases of the dump, in file order. */
export interface TwinCase {
  id: string;
  start: number;
  count: number;
  region: { top: number; left: number; height: number; width: number };
}

function writeSlices(dir: string, name: string, slices: Slice[], hw: number, channels: number): void {
  const x = new Float32Array(slices.length * hw * channels);
  const y = new Uint8Array(slices.length * hw);
  slices.forEach((s, i) => {
    x.set(s.image, i * hw * channels);
    y.set(s.label, i * hw);
  });
  writeFileSync(join(dir, `${name}_x.f32`), Buffer.from(x.buffer));
  writeFileSync(join(dir, `${name}_y.u8`), Buffer.from(y.buffer));
}

/** Test slices grouped by case, each case in slice order. */
export function orderedTestCases(test: SliceSet): { slices: Slice[]; cases: TwinCase[] } {
  const byCase = new Map<string, Slice[]>();
  for (const s of test.slices) byCase.set(s.caseId, [...(byCase.get(s.caseId) ?? []), s]);
  const slices: Slice[] = [];
  const cases: TwinCase[] = [];
  for (const [id, list] of [...byCase].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.index - b.index);
    const region = list[0]?.region ?? { top: 0, left: 0, height: test.height, width: test.width };
    cases.push({ id, start: slices.length, count: list.length, region });
    slices.push(...list);
  }
  return { slices, cases };
}

/** Writes the dump unless `dir/meta.json` exists already. */
export function writeTwinData(dir: string, train: SliceSet, test: SliceSet): void {
  if (existsSync(join(dir, 'meta.json'))) return;
  mkdirSync(dir, { recursive: true });
  const hw = train.height * train.width;
  writeSlices(dir, 'train', train.slices, hw, train.channels);
  const t = orderedTestCases(test);
  writeSlices(dir, 'test', t.slices, hw, train.channels);
  const meta = {
    height: train.height,
    width: train.width,
    channels: train.channels,
    nClasses: train.nClasses,
    classNames: train.classNames,
    trainCount: train.slices.length,
    test: t.cases,
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 1) + '\n');
}
