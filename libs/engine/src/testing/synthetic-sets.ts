/** Train and validation slice sets cut from the synthetic phantoms, for the loops' tests. */
import { generateSyntheticDataset, sliceDataset } from '../../../data/src/index.js';
import type { SliceSet } from '../slices.js';

/** `count` phantoms of `size` pixels (seeded): the first `nTrain` slices train, the rest validate. */
export function syntheticSets(
  count: number,
  size: number,
  nTrain: number,
  seed: number,
): { train: SliceSet; val: SliceSet } {
  const ds = generateSyntheticDataset({ count, size, seed });
  const sd = sliceDataset(ds.cases, ds.classes, { padMultiple: 8 });
  const toSet = (from: number, to: number): SliceSet => ({
    height: sd.height,
    width: sd.width,
    channels: 1,
    nClasses: sd.classes.length,
    classNames: sd.classes.map((c) => c.name),
    slices: sd.slices.slice(from, to).map((s) => ({
      caseId: s.caseId,
      index: s.sliceIndex,
      image: s.image,
      label: Uint8Array.from(s.label ?? []),
    })),
  });
  return { train: toSet(0, nTrain), val: toSet(nTrain, count) };
}
