/**
 * How a training loop draws its batches. Two strategies:
 *
 * - `epochs`: each epoch is one pass over the seeded shuffled slices, `batchSize` at a time.
 * - `foreground`: every batch is drawn at random (with replacement), `foregroundShare` of it
 *   from the slices that hold any foreground label and the rest uniformly from all slices
 *   (the oversampling nnU-Net and MONAI use, so small structures are seen often enough).
 *   An "epoch" is then a fixed number of steps, only a unit for validation and checkpoints.
 *   With a `patch` size smaller than the slices, each item is a random patch of that size:
 *   the foreground items centred on a random foreground pixel (moved inside the slice where
 *   the centre is near an edge), the others at a uniform position. Training then never
 *   needs whole large images in one batch; inference covers them with sliding windows.
 *
 * Both are pure functions of (seed, epoch, step), so a resumed run draws the same batches.
 */
import { ValidationError } from '../../core/src/errors.js';
import { Rng, deriveSeed } from './rng.js';
import { batchAt, batchesPerEpoch, epochOrder, type AugmentOptions, type Slice } from './slices.js';

/** Share of each batch drawn from foreground in the training recipe (as nnU-Net). */
export const RECIPE_FOREGROUND_SHARE = 1 / 3;

/**
 * Augmentation of the training recipe: left-right flips only (anatomy is close to
 * left-right symmetric; up-down flips and shifts make implausible images). The recipe
 * benchmark (bench/recipe) shows it matches PyTorch with this setting.
 */
export const RECIPE_AUGMENT: AugmentOptions = { flipHorizontal: true, flipVertical: false, maxShift: 0 };

/**
 * The recipe's augmentation for slices cut along voxel `sliceAxis`. A flip reverses the
 * slice's columns, which run along voxel X (left-right in the usual RAS / LPS orientations)
 * for axes 1 and 2 (slicing.ts); along axis 0 they run along Y, front to back, where a flip
 * swaps parts that differ (the hippocampus's anterior head and posterior body): no flips.
 */
export function recipeAugmentFor(sliceAxis: 0 | 1 | 2): AugmentOptions | false {
  return sliceAxis === 0 ? false : RECIPE_AUGMENT;
}

/**
 * Named augmentations a run chooses from: `flips` is the recipe's ({@link RECIPE_AUGMENT});
 * `spatial` adds shifts and elastic deformation for datasets too small for flips alone;
 * `none` trains on the slices as they are.
 */
export const AUGMENTATIONS = ['flips', 'spatial', 'none'] as const;
export type AugmentationKind = (typeof AUGMENTATIONS)[number];

/**
 * The augmentation `kind` means for patches `patchHeight` pixels high: `spatial` is the
 * recipe's left-right flips, integer shifts up to 1/16 of the patch and an elastic
 * displacement field of 1/32 of the patch (std, on a 4 x 4 lattice); `none` is false.
 */
export function augmentationOf(kind: AugmentationKind, patchHeight: number): AugmentOptions | false {
  if (kind === 'none') return false;
  if (kind === 'flips') return RECIPE_AUGMENT;
  return {
    ...RECIPE_AUGMENT,
    maxShift: Math.max(1, Math.floor(patchHeight / 16)),
    elastic: { alpha: Math.max(1, patchHeight / 32), grid: 4 },
  };
}

/** Batch drawing of a training run. */
export type SamplingOptions =
  | { kind: 'epochs' }
  | {
      kind: 'foreground';
      /** Share of each batch drawn from slices with foreground, in [0, 1]; rounded down to whole slices. */
      foregroundShare: number;
      /** Steps that make one epoch (validation and checkpoint unit). */
      stepsPerEpoch: number;
      /** Patch height and width [the whole slice]; at most the slice size. */
      patch?: [number, number];
    };

/** The batches of one run: how many make an epoch and which slices batch `step` holds. */
export interface BatchSampler {
  readonly stepsPerEpoch: number;
  /** Height and width of the items it returns (the patch size, or the slice size). */
  readonly height: number;
  readonly width: number;
  /** Slices of the batch at global `step`, which is step `stepInEpoch` of `epoch`. */
  batch(epoch: number, stepInEpoch: number, step: number): Slice[];
}

/** True when any label value of the slice is not background. */
export function hasForeground(s: Slice): boolean {
  for (let i = 0; i < s.label.length; i++) if ((s.label[i] as number) !== 0) return true;
  return false;
}

/** Checks sampling options; throws ValidationError naming the bad field. */
export function validateSampling(s: SamplingOptions): void {
  if (s.kind === 'epochs') return;
  if (!(s.foregroundShare >= 0 && s.foregroundShare <= 1)) {
    throw new ValidationError(`foregroundShare must be in [0, 1], got ${s.foregroundShare}`);
  }
  if (!Number.isInteger(s.stepsPerEpoch) || s.stepsPerEpoch < 1) {
    throw new ValidationError(`stepsPerEpoch must be a positive integer, got ${s.stepsPerEpoch}`);
  }
}

/**
 * The `ph x pw` patch of `s` (from a `h x w x c` set) whose top-left corner is (top, left);
 * its region is the part of the slice's own region that the patch holds.
 */
export function cropPatch(
  s: Slice,
  set: SliceShape,
  top: number,
  left: number,
  ph: number,
  pw: number,
): Slice {
  const { height: h, width: w, channels: c } = set;
  if (top < 0 || left < 0 || top + ph > h || left + pw > w) {
    throw new ValidationError(`patch ${ph}x${pw} at (${top}, ${left}) is outside the ${h}x${w} slice`);
  }
  const image = new Float32Array(ph * pw * c);
  const label = new Uint8Array(ph * pw);
  for (let r = 0; r < ph; r++) {
    const src = (top + r) * w + left;
    image.set(s.image.subarray(src * c, (src + pw) * c), r * pw * c);
    label.set(s.label.subarray(src, src + pw), r * pw);
  }
  const reg = s.region ?? { top: 0, left: 0, height: h, width: w };
  const t = Math.max(reg.top, top);
  const l = Math.max(reg.left, left);
  const b = Math.min(reg.top + reg.height, top + ph);
  const rgt = Math.min(reg.left + reg.width, left + pw);
  const region =
    b > t && rgt > l
      ? { top: t - top, left: l - left, height: b - t, width: rgt - l }
      : { top: 0, left: 0, height: ph, width: pw };
  return { caseId: s.caseId, index: s.index, image, label, region };
}

/** The sizes of a slice set that patch cropping needs. */
export interface SliceShape {
  height: number;
  width: number;
  channels: number;
}

/** The sampler of `sampling` over the slices of `set`; `stream` separates it from other random streams of the run. */
export function makeSampler(
  set: SliceShape & { slices: Slice[] },
  batchSize: number,
  sampling: SamplingOptions,
  seed: number,
  stream = 5,
): BatchSampler {
  validateSampling(sampling);
  const slices = set.slices;
  if (sampling.kind === 'epochs') {
    let cached: { epoch: number; order: Slice[] } | null = null;
    return {
      stepsPerEpoch: batchesPerEpoch(slices.length, batchSize),
      height: set.height,
      width: set.width,
      batch: (epoch, stepInEpoch) => {
        if (cached?.epoch !== epoch) cached = { epoch, order: epochOrder(slices, seed, stream, epoch) };
        return batchAt(cached.order, stepInEpoch, batchSize);
      },
    };
  }
  const [ph, pw] = sampling.patch ?? [set.height, set.width];
  if (
    !Number.isInteger(ph) ||
    !Number.isInteger(pw) ||
    ph < 1 ||
    pw < 1 ||
    ph > set.height ||
    pw > set.width
  ) {
    throw new ValidationError(
      `patch ${ph}x${pw} must be positive and at most the ${set.height}x${set.width} slices`,
    );
  }
  const whole = ph === set.height && pw === set.width;
  const fg = slices.filter(hasForeground);
  const nFg = fg.length === 0 ? 0 : Math.floor(batchSize * sampling.foregroundShare);
  const clamp = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  const foregroundPatch = (s: Slice, rng: Rng): Slice => {
    if (whole) return s;
    // A uniformly chosen foreground pixel: count them, draw k, find the k-th.
    let seen = 0;
    for (let i = 0; i < s.label.length; i++) if ((s.label[i] as number) !== 0) seen++;
    let k = rng.int(seen);
    let at = 0;
    for (let i = 0; i < s.label.length; i++) {
      if ((s.label[i] as number) !== 0 && k-- === 0) {
        at = i;
        break;
      }
    }
    const cy = Math.floor(at / set.width);
    const cx = at % set.width;
    const top = clamp(cy - Math.floor(ph / 2), set.height - ph);
    const left = clamp(cx - Math.floor(pw / 2), set.width - pw);
    return cropPatch(s, set, top, left, ph, pw);
  };
  const randomPatch = (s: Slice, rng: Rng): Slice =>
    whole ? s : cropPatch(s, set, rng.int(set.height - ph + 1), rng.int(set.width - pw + 1), ph, pw);
  return {
    stepsPerEpoch: sampling.stepsPerEpoch,
    height: ph,
    width: pw,
    batch: (_epoch, _stepInEpoch, step) => {
      const rng = new Rng(deriveSeed(seed, stream, step));
      const out: Slice[] = [];
      for (let i = 0; i < nFg; i++) out.push(foregroundPatch(fg[rng.int(fg.length)] as Slice, rng));
      while (out.length < batchSize) out.push(randomPatch(slices[rng.int(slices.length)] as Slice, rng));
      return out;
    },
  };
}
