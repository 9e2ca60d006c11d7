/**
 * Automatic training configuration from the data (the nnU-Net "fingerprint" idea): a
 * dataset's sizes, spacings, intensities and class frequencies decide the slicing axis,
 * the network input (patch) size, the network's depth and width, the batch size, the
 * normalisation and the step budget, within a memory and a time budget. Every choice
 * comes with the reason for it, is recorded in the run and the model bundle, and any of
 * them can be overridden.
 *
 * Pure functions: the caller measures seconds per step (`stepSeconds`) on its backend.
 */
import { ResourceLimitError, ValidationError } from '../../core/src/errors.js';
import { contextChannels, type Dataset, type NormalizationSpec } from '../../data/src/index.js';
import { recipeAugmentFor, type AugmentationKind } from './sampler.js';
import { median } from '../../core/src/median.js';

/** What the planner knows of a dataset. */
export interface DatasetFingerprint {
  cases: number;
  /** Every case has one slice (a 2D image dataset). */
  is2d: boolean;
  /** Median and largest image shape, voxels `[X, Y, Z]`. */
  medianShape: [number, number, number];
  maxShape: [number, number, number];
  /** Median voxel spacing in mm `[x, y, z]`. */
  medianSpacing: [number, number, number];
  /** Intensity statistics over a sample of every case's voxels. */
  intensity: { min: number; max: number; mean: number; std: number; p005: number; p995: number };
  /** Share of labelled voxels per class index (background first). */
  classFrequency: number[];
  classNames: string[];
}

/** Fingerprint of a loaded dataset (intensities from at most `sampleVoxels` voxels, spread over the cases). */
export function fingerprintDataset(ds: Dataset, sampleVoxels = 1_000_000): DatasetFingerprint {
  if (ds.cases.length === 0) throw new ValidationError(`dataset ${ds.name} has no cases`);
  const shapes = ds.cases.map((c) => c.image.shape);
  const axisMedian = (f: (s: [number, number, number]) => number): number => median(shapes.map(f));
  const spacing = ds.cases.map((c) => c.image.spacingMm);
  const perCase = Math.max(1, Math.floor(sampleVoxels / ds.cases.length));
  const sample: number[] = [];
  const codeToIndex = new Map(ds.classes.map((c, i) => [c.code, i]));
  const counts = new Array<number>(ds.classes.length).fill(0);
  let labelled = 0;
  for (const c of ds.cases) {
    const d = c.image.data;
    const stride = Math.max(1, Math.floor(d.length / perCase));
    for (let i = 0; i < d.length; i += stride) sample.push(d[i] as number);
    if (c.label) {
      for (const v of c.label.data) {
        const k = codeToIndex.get(v);
        if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
      }
      labelled += c.label.data.length;
    }
  }
  sample.sort((a, b) => a - b);
  const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
  const std = Math.sqrt(sample.reduce((a, b) => a + (b - mean) ** 2, 0) / sample.length);
  const q = (p: number): number =>
    sample[Math.min(sample.length - 1, Math.floor(p * sample.length))] as number;
  return {
    cases: ds.cases.length,
    is2d: shapes.every((s) => s[2] === 1),
    medianShape: [axisMedian((s) => s[0]), axisMedian((s) => s[1]), axisMedian((s) => s[2])],
    maxShape: [0, 1, 2].map((a) => Math.max(...shapes.map((s) => s[a] as number))) as [
      number,
      number,
      number,
    ],
    medianSpacing: [0, 1, 2].map((a) => median(spacing.map((s) => s[a] as number))) as [
      number,
      number,
      number,
    ],
    intensity: {
      min: sample[0] as number,
      max: sample.at(-1) as number,
      mean,
      std,
      p005: q(0.005),
      p995: q(0.995),
    },
    classFrequency: counts.map((n) => (labelled > 0 ? n / labelled : 0)),
    classNames: ds.classes.map((c) => c.name),
  };
}

/** Architectures the planner sizes. */
export type PlannedArchitecture = 'nasunet' | 'unet';

/** What a user can fix instead of letting a planner choose it. */
export interface PlanOverrideFields {
  sliceAxis: 0 | 1 | 2;
  patch: [number, number];
  batchSize: number;
  width: number;
  depth: number;
  /** Steps at most (a search: warm-up included). */
  steps: number;
  foregroundShare: number;
  normalization: NormalizationSpec;
  /** Data-parallel worker threads at most. */
  workers: number;
  /** Neighbouring slices on each side as extra input channels (2.5D). */
  contextSlices: number;
  augmentation: AugmentationKind;
}

/** A training candidate the caller measures: `workers` threads share each batch. */
export interface TrainingCandidate {
  width: number;
  depth: number;
  /** Input channels of the network (2 * contextSlices + 1). */
  inChannels: number;
  patch: [number, number];
  batchSize: number;
  workers: number;
}

/** Budgets and the user's overrides. */
export interface PlanRequest {
  architecture: PlannedArchitecture;
  /** Memory the training may use, bytes. */
  memoryBytes: number;
  /** Wall time the training steps may take, seconds. */
  timeSeconds: number;
  /**
   * Measured (or estimated) seconds of one training step of `architecture` at this width,
   * depth, patch and batch size, the batch shared by `workers` threads; the planner calls
   * it for the candidates it considers.
   */
  stepSeconds: (c: TrainingCandidate) => number;
  /** Cores the steps may use: data-parallel workers unless `overrides.workers` says otherwise [1]. */
  cores?: number;
  /** Peak training memory of a candidate, bytes (from the cost model). */
  peakBytes: (c: Omit<TrainingCandidate, 'workers'>) => number;
  /** Parameter count of a candidate (from the cost model). */
  parameters: (c: { width: number; depth: number; inChannels: number }) => number;
  overrides?: Partial<PlanOverrideFields>;
  /** Where each override came from, for its reason (e.g. `--preset tiny`) [`--<option>`]. */
  overrideSources?: Partial<Record<string, string>>;
}

/** One decision of a plan. */
export interface PlanChoice {
  name: string;
  value: unknown;
  reason: string;
}

/** What every plan (training or search) decides, with the reason for each value. */
export interface PlanBase {
  sliceAxis: 0 | 1 | 2;
  patch: [number, number];
  /** Padded slice size the data is cut to (at least the patch). */
  sliceSize: [number, number];
  batchSize: number;
  normalization: NormalizationSpec;
  /** NAS-Unet C (of the supernet, for a search) or U-Net base width. */
  width: number;
  depth: number;
  /** Steps planned at most, and between validations. */
  steps: number;
  stepsPerEpoch: number;
  foregroundShare: number;
  /** Training augmentation (`augmentationOf` turns it into the loop's options). */
  augmentation: AugmentationKind;
  /** Data-parallel worker threads sharing each batch (1: the steps run in one thread). */
  workers: number;
  /** Seconds per step measured for the pick; null when width, batch and steps were all given (nothing to measure for). */
  estimatedStepSeconds: number | null;
  choices: PlanChoice[];
}

/** A training configuration with the reason for each value. */
export interface TrainingPlan extends PlanBase {
  /** Neighbouring slices on each side as extra input channels (2.5D); 0 = the slice alone. */
  contextSlices: number;
}

/** Largest patch side the planner picks on its own (larger slices are covered by windows). */
export const MAX_PATCH_SIDE = 256;
/** The step budget of the recipe (U-Nets plateau there at batch 16 on hippocampus). */
export const TARGET_STEPS = 2000;
/** Fewest pixels on the shorter side of the coarsest level of a planned network. */
export const MIN_COARSEST_SIDE = 6;
/** Fewest steps the planner accepts before it narrows the network instead. */
export const MIN_STEPS = 500;
const WIDTHS: Record<PlannedArchitecture, number[]> = { nasunet: [32, 24, 16, 12, 8], unet: [16, 8] };
const MAX_PARAMETERS = 1_000_000;

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;
/** Bytes as whole MiB, for the plan's reasons and errors. */
const mib = (b: number): string => (b / 2 ** 20).toFixed(0);
/** Input multiple of a depth: NAS-Unet needs 2^(depth+1), U-Net 2^depth. */
export function sizeMultiple(arch: PlannedArchitecture, depth: number): number {
  return arch === 'nasunet' ? 2 ** (depth + 1) : 2 ** depth;
}

/** Rows and columns of a slice along `axis` of an `[X, Y, Z]` shape (libs/data's slice layout). */
function sliceDims(shape: [number, number, number], axis: 0 | 1 | 2): [number, number] {
  const [x, y, z] = shape;
  return axis === 2 ? [y, x] : axis === 1 ? [z, x] : [z, y];
}

/** Records each choice of a plan with its reason; `given` words the reason of an override. */
export class PlanChoices {
  readonly list: PlanChoice[] = [];
  constructor(private readonly sources: Partial<Record<string, string>> = {}) {}
  choose<T>(name: string, value: T, reason: string): T {
    this.list.push({ name, value, reason });
    return value;
  }
  given(option: string): string {
    return `given (${this.sources[option] ?? `--${option}`})`;
  }
}

/** Slicing axis, depth, padded slice size and starting patch of a plan. */
export interface PlanGeometry {
  sliceAxis: 0 | 1 | 2;
  depth: number;
  /** Input multiple of the depth. */
  multiple: number;
  sliceSize: [number, number];
  patch: [number, number];
  patchReason: string;
}

/**
 * Chooses the slicing axis (plane of highest resolution), the depth (deepest with enough
 * pixels at the coarsest level) and the patch (whole padded slices up to 256 px, else the
 * median size capped at 256); records axis and depth in `c` (the caller records the patch,
 * which it may still shrink to fit its budgets).
 */
export function planGeometry(
  fp: DatasetFingerprint,
  arch: PlannedArchitecture,
  o: { sliceAxis?: 0 | 1 | 2; depth?: number; patch?: [number, number] },
  c: PlanChoices,
): PlanGeometry {
  // Slicing axis: the plane of highest resolution, i.e. cut along the coarsest axis.
  const [sx, sy, sz] = fp.medianSpacing;
  const coarsest = sx >= sy && sx >= sz ? 0 : sy >= sz ? 1 : 2;
  const anisotropic = Math.max(sx, sy, sz) / Math.min(sx, sy, sz) > 2;
  const sliceAxis = c.choose(
    'sliceAxis',
    o.sliceAxis ?? (fp.is2d || !anisotropic ? 2 : coarsest),
    o.sliceAxis !== undefined
      ? c.given('slice-axis')
      : fp.is2d
        ? '2D images'
        : anisotropic
          ? `median spacing ${fp.medianSpacing.map((v) => v.toFixed(2)).join(' x ')} mm: slices in the plane of highest resolution`
          : `median spacing ${fp.medianSpacing.map((v) => v.toFixed(2)).join(' x ')} mm is near isotropic: axial slices (voxel axis 2)`,
  );
  const [maxRows, maxCols] = sliceDims(fp.maxShape, sliceAxis);
  const [medRows, medCols] = sliceDims(fp.medianShape, sliceAxis);

  // Depth: as deep as the patch allows while the coarsest level keeps at least
  // MIN_COARSEST_SIDE pixels. On MSD hippocampus (64 x 48 slices) one NAS-Unet genotype lost
  // 0.006 mean Dice at depth 3 (a 3-pixel coarsest level) against depth 2 (6 pixels), and
  // width-15 U-Nets of depth 2 beat width-8 ones of depth 3 (BENCHMARKS.md).
  const wantSide = (n: number): number => Math.min(n, MAX_PATCH_SIDE);
  const side = Math.min(wantSide(maxRows), wantSide(maxCols));
  let depth = o.depth ?? 1;
  if (o.depth === undefined) {
    for (let d = 1; d <= 5; d++) {
      const m = sizeMultiple(arch, d);
      if (roundUp(side, m) / m >= MIN_COARSEST_SIDE) depth = d;
    }
  }
  c.choose(
    'depth',
    depth,
    o.depth !== undefined
      ? c.given('depth')
      : `deepest level with >= ${MIN_COARSEST_SIDE} pixels on the shorter side of a ${side}-pixel patch (input multiple ${sizeMultiple(arch, depth)})`,
  );
  const m = sizeMultiple(arch, depth);
  const sliceSize: [number, number] = [roundUp(maxRows, m), roundUp(maxCols, m)];

  // Patch: the whole padded slice when it is small, else the median size capped at 256.
  let patch: [number, number];
  let patchReason: string;
  if (o.patch) {
    patch = [...o.patch];
    patchReason = c.given('patch');
    if (patch[0] % m !== 0 || patch[1] % m !== 0)
      throw new ValidationError(`patch ${patch[0]}x${patch[1]} must be multiples of ${m} at depth ${depth}`);
  } else if (sliceSize[0] <= MAX_PATCH_SIDE && sliceSize[1] <= MAX_PATCH_SIDE) {
    patch = [...sliceSize];
    patchReason = `the largest slice (${maxRows} x ${maxCols}) padded to a multiple of ${m} fits: whole slices, as inference will see them`;
  } else {
    patch = [
      Math.min(roundUp(medRows, m), roundUp(MAX_PATCH_SIDE, m), sliceSize[0]),
      Math.min(roundUp(medCols, m), roundUp(MAX_PATCH_SIDE, m), sliceSize[1]),
    ];
    patchReason = `slices up to ${maxRows} x ${maxCols}: patches of the median size capped at ${MAX_PATCH_SIDE}, sliding windows at inference`;
  }
  return { sliceAxis, depth, multiple: m, sliceSize, patch, patchReason };
}

/** The padded slice size data is cut to: the largest slice, and at least the (final) patch. */
export function sliceSizeOf(g: PlanGeometry): [number, number] {
  return [Math.max(g.sliceSize[0], g.patch[0]), Math.max(g.sliceSize[1], g.patch[1])];
}

/** Halves the longer side of `g.patch` (to a multiple of the depth's input multiple); false when it cannot shrink. */
export function shrinkPatch(g: PlanGeometry): boolean {
  const m = g.multiple;
  if (g.patch[0] <= m && g.patch[1] <= m) return false;
  const longer = g.patch[0] >= g.patch[1] ? 0 : 1;
  g.patch[longer] = Math.max(m, roundUp(Math.floor(g.patch[longer] / 2), m));
  g.patchReason += `; reduced to ${g.patch[0]} x ${g.patch[1]} to fit the budgets`;
  return true;
}

/**
 * Fewest slices of a worker's share when the worker count is planned: normalisation with
 * batch statistics and the batch-wise soft Dice need a few slices per share.
 */
export const MIN_SLICES_PER_WORKER = 4;

/**
 * Worker threads a batch of `batchSize` gets: `--workers` (at most one per slice), else the
 * cores, at most one per {@link MIN_SLICES_PER_WORKER} slices.
 */
export function workersFor(batchSize: number, o: { workers?: number }, cores = 1): number {
  const cap = o.workers !== undefined ? batchSize : Math.floor(batchSize / MIN_SLICES_PER_WORKER);
  return Math.max(1, Math.min(o.workers ?? cores, cap));
}

/** Records the worker count of a plan's batch size. */
export function chooseWorkers(
  batchSize: number,
  o: { workers?: number },
  cores: number | undefined,
  c: PlanChoices,
): number {
  const workers = workersFor(batchSize, o, cores);
  const share = Math.ceil(batchSize / workers);
  return c.choose(
    'workers',
    workers,
    (o.workers !== undefined
      ? c.given('workers')
      : `${cores ?? 1} core(s) of this machine, at least ${MIN_SLICES_PER_WORKER} slices per worker`) +
      (workers > 1
        ? `: data-parallel worker threads, each computing ${share} slice(s) of every batch (step times assume the cores are free)`
        : ': the steps run in one thread'),
  );
}

/** Normalisation (z-score per case, or dataset-wide for CT) and the foreground share of batches. */
export function planIntensityAndSampling(
  fp: DatasetFingerprint,
  o: { normalization?: NormalizationSpec; foregroundShare?: number },
  c: PlanChoices,
): { normalization: NormalizationSpec; foregroundShare: number } {
  const ct = fp.intensity.min <= -500;
  const normalization = c.choose<NormalizationSpec>(
    'normalization',
    o.normalization ??
      (ct
        ? { kind: 'fixed', mean: fp.intensity.mean, std: Math.max(fp.intensity.std, 1e-6) }
        : { kind: 'zscore' }),
    o.normalization !== undefined
      ? c.given('normalization')
      : ct
        ? `intensities down to ${fp.intensity.min.toFixed(0)} look like CT (Hounsfield units): one dataset-wide mean and std`
        : 'intensities have no fixed scale (MR, microscopy, photographs): z-score per case',
  );
  const fgFreq = fp.classFrequency.slice(1).reduce((a, b) => a + b, 0);
  const foregroundShare = c.choose(
    'foregroundShare',
    o.foregroundShare ?? 1 / 3,
    o.foregroundShare !== undefined
      ? c.given('foreground-share')
      : `a third of each batch centred on foreground (${(100 * fgFreq).toFixed(2)} % of voxels are foreground; the smallest class has ${(100 * Math.min(...fp.classFrequency.slice(1))).toFixed(3)} %)`,
  );
  return { normalization, foregroundShare };
}

/** Below this many labelled slices in a dataset, flips alone leave a network to memorise it. */
export const SMALL_DATASET_SLICES = 1000;

/**
 * Augmentation: the recipe's left-right flips, or flips with shifts and elastic
 * deformation when the dataset has fewer than {@link SMALL_DATASET_SLICES} slices along
 * `sliceAxis` (on the 16-image synthetic set flips alone reached validation Dice 0.81 after
 * 75 steps and then fell as the net memorised its ten training images; BENCHMARKS.md).
 * Slices along voxel axis 0 have no left-right direction in their plane
 * ({@link recipeAugmentFor}), so larger datasets cut that way train without flips.
 */
export function planAugmentation(
  fp: DatasetFingerprint,
  sliceAxis: 0 | 1 | 2,
  o: { augmentation?: AugmentationKind },
  c: PlanChoices,
): AugmentationKind {
  const slices = Math.round(fp.cases * fp.medianShape[sliceAxis]);
  const small = slices < SMALL_DATASET_SLICES;
  const flips = recipeAugmentFor(sliceAxis) !== false;
  return c.choose<AugmentationKind>(
    'augmentation',
    o.augmentation ?? (small ? 'spatial' : flips ? 'flips' : 'none'),
    o.augmentation !== undefined
      ? c.given('augment')
      : small
        ? `about ${slices} slices (under ${SMALL_DATASET_SLICES}): left-right flips, shifts and elastic deformation, so the network cannot memorise the few images`
        : flips
          ? `about ${slices} slices: left-right flips, the recipe bench/recipe checks against PyTorch`
          : `about ${slices} slices along voxel axis 0, whose columns run front to back: no flips (a flip would swap front and back)`,
  );
}

/** Neighbours on each side a volume's slices get by default (2.5D input). */
export const DEFAULT_CONTEXT_SLICES = 2;

/**
 * Neighbouring slices as input channels: none for 2D images; for volumes
 * {@link DEFAULT_CONTEXT_SLICES} on each side (on MSD hippocampus axial slices two on each
 * side gained 0.018 mean Dice for NAS-Unet and 0.004 for U-Net over the slice alone,
 * BENCHMARKS.md "2.5D input on hippocampus"), fewer when
 * the stacked slices of every case (held in memory, 2k + 1 values per voxel) would take
 * more than a quarter of the memory budget.
 */
function planContextSlices(
  fp: DatasetFingerprint,
  memoryBytes: number,
  o: Partial<PlanOverrideFields>,
  c: PlanChoices,
): number {
  if (o.contextSlices !== undefined)
    return c.choose('contextSlices', o.contextSlices, c.given('context-slices'));
  if (fp.is2d) return c.choose('contextSlices', 0, '2D images: the image alone');
  const voxels = fp.cases * fp.medianShape[0] * fp.medianShape[1] * fp.medianShape[2];
  const stackedBytes = (k: number): number => voxels * contextChannels(k) * 4;
  let k = DEFAULT_CONTEXT_SLICES;
  while (k > 0 && stackedBytes(k) > memoryBytes / 4) k--;
  return c.choose(
    'contextSlices',
    k,
    k === DEFAULT_CONTEXT_SLICES
      ? `the slice and the ${k} on either side as input channels (2.5D; on MSD hippocampus axial slices +0.018 mean Dice for NAS-Unet, +0.004 for U-Net over the slice alone); the stacked slices take about ${mib(stackedBytes(k))} MiB`
      : `${k} on either side: ${DEFAULT_CONTEXT_SLICES} would hold about ${mib(stackedBytes(DEFAULT_CONTEXT_SLICES))} MiB of stacked slices, over a quarter of the ${mib(memoryBytes)} MiB budget`,
  );
}

/** Plans a training run; see the module doc. */
export function planTraining(fp: DatasetFingerprint, req: PlanRequest): TrainingPlan {
  const o = req.overrides ?? {};
  const c = new PlanChoices(req.overrideSources);
  const g = planGeometry(fp, req.architecture, o, c);
  const { depth, patch } = g;
  const contextSlices = planContextSlices(fp, req.memoryBytes, o, c);
  const inChannels = contextChannels(contextSlices);

  // Width and batch: the widest net under 1 M parameters whose batch of 16 (or less) fits
  // memory and whose target steps fit the time budget; batch shrinks before the width does.
  const small = WIDTHS[req.architecture].filter(
    (w) => req.parameters({ width: w, depth, inChannels }) <= MAX_PARAMETERS,
  );
  const widths =
    o.width !== undefined ? [o.width] : small.length > 0 ? small : WIDTHS[req.architecture].slice(-1);
  const batches = o.batchSize !== undefined ? [o.batchSize] : [16, 12, 8, 4, 2];
  type Pick = { width: number; batchSize: number; stepSeconds: number | null; why: string };
  const forced = o.width !== undefined && o.batchSize !== undefined;
  // With width, batch and steps all given no choice depends on the step time: the plan
  // skips measuring it (several training steps, seconds before a run's first step).
  const timed = !(forced && o.steps !== undefined);
  let smallestPeak = Infinity;
  const search = (minSteps: number, minBatch: number): Pick | null => {
    for (const width of widths) {
      for (const batchSize of batches.filter((b) => b >= minBatch)) {
        const cand = {
          width,
          depth,
          inChannels,
          patch,
          batchSize,
          workers: workersFor(batchSize, o, req.cores),
        };
        const peak = req.peakBytes(cand);
        smallestPeak = Math.min(smallestPeak, peak);
        if (peak > req.memoryBytes) continue;
        const sec = timed ? req.stepSeconds(cand) : null;
        if (!forced && sec !== null && sec * minSteps > req.timeSeconds) continue;
        const why =
          `${(req.parameters({ width, depth, inChannels }) / 1000).toFixed(0)} k parameters; estimated ` +
          `${mib(peak)} MiB of the ${mib(req.memoryBytes)} MiB budget` +
          (sec === null ? '' : `; ${sec.toFixed(2)} s per step here`);
        return { width, batchSize, stepSeconds: sec, why };
      }
    }
    return null;
  };
  let pick: Pick | null = null;
  for (let shrink = 0; pick === null; shrink++) {
    // Prefer a net that gets the full step budget at a batch of 8 or more; settle for the
    // minimum steps at any batch before shrinking the patch.
    pick =
      search(Math.min(o.steps ?? TARGET_STEPS, TARGET_STEPS), batches.some((b) => b >= 8) ? 8 : 1) ??
      search(Math.min(o.steps ?? MIN_STEPS, MIN_STEPS), 1);
    if (pick) break;
    if (o.patch || shrink >= 6 || !shrinkPatch(g)) {
      throw new ResourceLimitError(
        smallestPeak > req.memoryBytes
          ? `no configuration fits the memory budget: the smallest tried (patch ${patch[0]}x${patch[1]}) needs about ` +
              `${mib(smallestPeak)} MiB, over ${mib(req.memoryBytes)} MiB; give a smaller --patch, --batch-size or --channels`
          : `no configuration gets ${MIN_STEPS} steps within the ${req.timeSeconds} s time budget at patch ${patch[0]}x${patch[1]}; ` +
              'give a larger --time-budget, or a smaller --patch, --batch-size or --channels',
      );
    }
  }
  c.choose('patch', patch, g.patchReason);
  const width = c.choose(
    'width',
    pick.width,
    o.width !== undefined
      ? c.given('channels')
      : `widest of ${widths.join('/')} (nets over 1 M parameters left out) that fits: ${pick.why}`,
  );
  const batchSize = c.choose(
    'batchSize',
    pick.batchSize,
    o.batchSize !== undefined
      ? c.given('batch-size')
      : `largest of 16/12/8/4/2 that fits memory and time at width ${width}`,
  );
  const workers = chooseWorkers(batchSize, o, req.cores, c);

  const sec = pick.stepSeconds;
  const steps =
    o.steps !== undefined || sec === null
      ? c.choose('steps', o.steps ?? TARGET_STEPS, c.given('max-steps'))
      : c.choose(
          'steps',
          Math.max(1, Math.min(TARGET_STEPS, Math.floor(req.timeSeconds / sec))),
          req.timeSeconds >= TARGET_STEPS * sec
            ? `${TARGET_STEPS} steps (where U-Nets plateau at batch 16 on MSD hippocampus); about ${Math.round((TARGET_STEPS * sec) / 60)} min at ${sec.toFixed(2)} s per step`
            : `the ${req.timeSeconds} s time budget at ${sec.toFixed(2)} s per step (${TARGET_STEPS} would take ${Math.round((TARGET_STEPS * sec) / 60)} min)`,
        );

  const { normalization, foregroundShare } = planIntensityAndSampling(fp, o, c);
  const augmentation = planAugmentation(fp, g.sliceAxis, o, c);
  const stepsPerEpoch = c.choose(
    'stepsPerEpoch',
    Math.max(1, Math.min(250, Math.ceil(steps / 4))),
    'validation and a best-model check every this many steps (at least 4 per run)',
  );
  return {
    sliceAxis: g.sliceAxis,
    patch,
    sliceSize: sliceSizeOf(g),
    batchSize,
    normalization,
    width,
    depth,
    steps,
    stepsPerEpoch,
    foregroundShare,
    augmentation,
    workers,
    contextSlices,
    estimatedStepSeconds: pick.stepSeconds,
    choices: c.list,
  };
}

/**
 * The plan with its step budget counted in passes over the training slices (`--epochs`):
 * `epochs` passes of `passSteps` steps each, validated after every pass.
 */
export function withEpochs(plan: TrainingPlan, epochs: number, passSteps: number): TrainingPlan {
  const steps = epochs * passSteps;
  const reason = `${epochs} pass(es) of ${passSteps} steps over the training slices (--epochs)`;
  return {
    ...plan,
    steps,
    stepsPerEpoch: passSteps,
    choices: plan.choices.map((c) =>
      c.name === 'steps'
        ? { name: 'steps', value: steps, reason }
        : c.name === 'stepsPerEpoch'
          ? { name: 'stepsPerEpoch', value: passSteps, reason: 'one pass over the training slices' }
          : c,
    ),
  };
}

/** The plan's choices as printable lines (`name = value: reason`). */
export function formatPlan(plan: TrainingPlan): string[] {
  return plan.choices.map((c) => `${c.name} = ${JSON.stringify(c.value)}: ${c.reason}`);
}
