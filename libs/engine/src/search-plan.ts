/**
 * Automatic configuration of an architecture search from the data, on the same
 * fingerprint as training (auto-config.ts): slicing axis, depth and patch as for a
 * derived NAS-Unet; then the supernet's width C (at least 8), its batch, and the search
 * length: a warm-up of weight-only steps, at least `MIN_ALPHA_UPDATES` alpha updates, then
 * on until the derived genotype has been unchanged for `SEARCH_PATIENCE` epochs, at most
 * 1.5 times the minimum; the candidate ops (all but `RECOMMENDED_EXCLUDED_OPS` of
 * libs/nas search-space.ts). Every choice carries its reason and can be overridden.
 *
 * Pure: the caller measures seconds per bilevel step (`stepSeconds`) on its backend.
 */
import { ResourceLimitError } from '../../core/src/errors.js';
import { RECOMMENDED_EXCLUDED_OPS, describeExclusions } from '../../nas/src/search-space.js';
import {
  PlanChoices,
  chooseWorkers,
  planGeometry,
  planAugmentation,
  planIntensityAndSampling,
  shrinkPatch,
  sliceSizeOf,
  workersFor,
  type DatasetFingerprint,
  type PlanBase,
  type PlanChoice,
  type PlanOverrideFields,
} from './auto-config.js';
import { ALPHA_OPTIMISER } from './optim.js';

/** Alpha updates a search makes at least (fewer only when the time budget forces it). */
export const MIN_ALPHA_UPDATES = 1000;
/** Steps between genotype derivations (the search's epoch). */
export const SEARCH_EPOCH_STEPS = 100;
/** Epochs with an unchanged genotype after which the search stops (past the minimum). */
export const SEARCH_PATIENCE = 5;
/** Fewest alpha updates the planner accepts before it narrows or shrinks. */
const FLOOR_ALPHA_UPDATES = 300;
const SUPERNET_WIDTHS = [16, 12, 8];
const BATCHES = [8, 4, 2];
/** Cells' intermediate nodes (M) of the planned supernet. */
const NODES = 3;

/** A search candidate the caller measures. */
export interface SearchCandidate {
  width: number;
  depth: number;
  nodes: number;
  patch: [number, number];
  batchSize: number;
  /** Data-parallel worker threads sharing each batch. */
  workers: number;
}

/** Budgets, measurements and the user's overrides. */
export interface SearchPlanRequest {
  memoryBytes: number;
  /** Wall time the search steps may take, seconds. */
  timeSeconds: number;
  /** Seconds of one bilevel step (a weight step and an alpha step) of a candidate. */
  stepSeconds: (c: SearchCandidate) => number;
  /** Peak memory of a candidate's step, bytes. */
  peakBytes: (c: SearchCandidate) => number;
  /** Cores the steps may use: data-parallel workers unless `overrides.workers` says otherwise [1]. */
  cores?: number;
  overrides?: Partial<
    PlanOverrideFields & {
      warmupSteps: number;
      patience: number;
      excludedOps: readonly string[];
      alphaLr: number;
    }
  >;
  overrideSources?: Partial<Record<string, string>>;
}

/** A search configuration with the reason for each value. */
export interface SearchPlan extends PlanBase {
  /** Intermediate nodes (M) per cell. */
  nodes: number;
  warmupSteps: number;
  /** The search does not stop on a stable genotype before this many steps (`steps` is the most). */
  minSteps: number;
  patience: number;
  /** Candidate ops the supernet leaves out (absent in plans written before it existed: none). */
  excludedOps: string[];
  /** Adam learning rate of the alphas (absent in plans written before it existed: the spec's). */
  alphaLr: number;
}

/** The ops a search leaves out: the user's list, else `RECOMMENDED_EXCLUDED_OPS`. */
export function candidateExclusions(o: { excludedOps?: readonly string[] }): string[] {
  return [...(o.excludedOps ?? RECOMMENDED_EXCLUDED_OPS)];
}

/** Plans a search; see the module doc. */
export function planSearch(fp: DatasetFingerprint, req: SearchPlanRequest): SearchPlan {
  const o = req.overrides ?? {};
  const c = new PlanChoices(req.overrideSources);
  const g = planGeometry(fp, 'nasunet', o, c);
  const widths = o.width !== undefined ? [o.width] : SUPERNET_WIDTHS;
  const batches = o.batchSize !== undefined ? [o.batchSize] : BATCHES;
  const forced = o.width !== undefined && o.batchSize !== undefined;
  const wantSteps = (alpha: number): number => Math.min(200, Math.round(alpha / 5)) + alpha;

  type Pick = { width: number; batchSize: number; stepSeconds: number; peak: number };
  let smallestPeak = Infinity;
  const fits = (sec: number, alphaUpdates: number): boolean =>
    forced || o.steps !== undefined || sec * wantSteps(alphaUpdates) <= req.timeSeconds;
  /** Every candidate within the memory budget, widest first, then largest batch. */
  const candidates = (): Pick[] => {
    const out: Pick[] = [];
    for (const width of widths) {
      for (const batchSize of batches) {
        const workers = workersFor(batchSize, o, req.cores);
        const cand = { width, depth: g.depth, nodes: NODES, patch: g.patch, batchSize, workers };
        const peak = req.peakBytes(cand);
        smallestPeak = Math.min(smallestPeak, peak);
        if (peak <= req.memoryBytes) out.push({ width, batchSize, stepSeconds: req.stepSeconds(cand), peak });
      }
    }
    return out;
  };
  let pick: Pick | null = null;
  for (let shrink = 0; pick === null; shrink++) {
    // Alpha updates matter more than the supernet's width (the derived net's width is
    // chosen when it is trained): the widest that makes the full search at a batch of 4
    // or more, else at any batch; else the fastest, if it makes the floor; then the patch
    // shrinks.
    const all = candidates();
    const fastest = all.reduce<Pick | null>(
      (a, b) => (a === null || b.stepSeconds < a.stepSeconds ? b : a),
      null,
    );
    const minBatch = batches.some((b) => b >= 4) ? 4 : 1;
    pick =
      all.find((p) => p.batchSize >= minBatch && fits(p.stepSeconds, MIN_ALPHA_UPDATES)) ??
      all.find((p) => fits(p.stepSeconds, MIN_ALPHA_UPDATES)) ??
      (fastest && fits(fastest.stepSeconds, FLOOR_ALPHA_UPDATES) ? fastest : null);
    if (pick) break;
    if (o.patch || shrink >= 6 || !shrinkPatch(g)) {
      const mib = (b: number): string => (b / 2 ** 20).toFixed(0);
      throw new ResourceLimitError(
        smallestPeak > req.memoryBytes
          ? `no search configuration fits the memory budget: the smallest tried (patch ${g.patch[0]}x${g.patch[1]}) needs about ` +
              `${mib(smallestPeak)} MiB, over ${mib(req.memoryBytes)} MiB; give a smaller --patch, --batch-size or --channels`
          : `no search configuration gets ${FLOOR_ALPHA_UPDATES} alpha updates within the ${req.timeSeconds} s time budget; ` +
              'give a larger --time-budget, or a smaller --patch, --batch-size or --channels',
      );
    }
  }
  // Whether the pick makes the full search (else it is the fastest, making fewer updates).
  const full = fits(pick.stepSeconds, MIN_ALPHA_UPDATES);
  const patch = c.choose('patch', g.patch, g.patchReason);
  const width = c.choose(
    'width',
    pick.width,
    o.width !== undefined
      ? c.given('channels')
      : `${full ? `widest supernet C of ${widths.join('/')} that makes ${MIN_ALPHA_UPDATES} alpha updates` : `fastest supernet of C ${widths.join('/')} x batch ${batches.join('/')} (no configuration makes ${MIN_ALPHA_UPDATES} alpha updates in the budget)`}: ` +
          `estimated ${(pick.peak / 2 ** 20).toFixed(0)} MiB of the ${(req.memoryBytes / 2 ** 20).toFixed(0)} MiB budget, ` +
          `${pick.stepSeconds.toFixed(2)} s per bilevel step here`,
  );
  const nodes = c.choose(
    'nodes',
    NODES,
    `M = ${NODES} intermediate nodes per cell (the paper's search space)`,
  );
  const batchSize = c.choose(
    'batchSize',
    pick.batchSize,
    o.batchSize !== undefined
      ? c.given('batch-size')
      : full
        ? `largest of ${BATCHES.join('/')} that makes the search fit at C = ${width}`
        : 'the fastest configuration (see width)',
  );
  const workers = chooseWorkers(batchSize, o, req.cores, c);
  // Alpha updates: the minimum when time allows, else what the budget buys.
  const affordable = Math.floor(req.timeSeconds / pick.stepSeconds);
  const alphaMin =
    o.steps !== undefined
      ? null
      : affordable >= wantSteps(MIN_ALPHA_UPDATES)
        ? MIN_ALPHA_UPDATES
        : Math.max(1, Math.floor(affordable / 1.2));
  const warmupSteps = c.choose(
    'warmupSteps',
    o.warmupSteps ?? Math.min(200, Math.round((alphaMin ?? (o.steps as number)) / 5)),
    o.warmupSteps !== undefined
      ? c.given('warmup-steps')
      : 'weight-only steps before the first alpha update (a fifth of the alpha updates, at most 200), so cells are compared once their weights learn',
  );
  const minSteps = c.choose(
    'minSteps',
    o.steps ?? warmupSteps + (alphaMin as number),
    o.steps !== undefined
      ? c.given('max-steps')
      : alphaMin === MIN_ALPHA_UPDATES
        ? `warm-up + ${MIN_ALPHA_UPDATES} alpha updates before the search may stop on a stable genotype; about ${Math.round(((warmupSteps + MIN_ALPHA_UPDATES) * pick.stepSeconds) / 60)} min`
        : `warm-up + ${alphaMin} alpha updates: all the ${req.timeSeconds} s time budget buys at ${pick.stepSeconds.toFixed(2)} s per step (fewer than ${MIN_ALPHA_UPDATES}; a larger --time-budget searches longer)`,
  );
  const steps = c.choose(
    'maxSteps',
    o.steps ?? Math.min(warmupSteps + Math.round((alphaMin as number) * 1.5), Math.max(minSteps, affordable)),
    o.steps !== undefined
      ? c.given('max-steps')
      : 'past the minimum the search goes on until the genotype is stable, at most 1.5 times the alpha updates (and within the time budget)',
  );
  const stepsPerEpoch = c.choose(
    'stepsPerEpoch',
    Math.max(1, Math.min(SEARCH_EPOCH_STEPS, Math.ceil(steps / 10))),
    'steps between genotype derivations (and validation)',
  );
  const patience = c.choose(
    'patience',
    o.patience ?? SEARCH_PATIENCE,
    o.patience !== undefined
      ? c.given('patience')
      : 'epochs the genotype must stay unchanged for the search to stop',
  );
  const excludedOps = c.choose(
    'excludedOps',
    candidateExclusions(o),
    o.excludedOps !== undefined
      ? `${c.given('exclude-ops')}: ${describeExclusions(o.excludedOps)}`
      : `${describeExclusions(RECOMMENDED_EXCLUDED_OPS)}: a derived cell that upsamples only through it sees the coarser level on a quarter of its pixels (--all-ops searches the spec's complete sets)`,
  );
  const alphaLr = c.choose(
    'alphaLr',
    o.alphaLr ?? ALPHA_OPTIMISER.lr,
    o.alphaLr !== undefined
      ? c.given('alpha-lr')
      : "the spec's Adam rate of the alphas; on MSD hippocampus 1000-1500 updates at it left every op weight within 0.02 of uniform, at 3e-3 ten times as far (BENCHMARKS.md)",
  );
  const { normalization, foregroundShare } = planIntensityAndSampling(fp, o, c);
  const augmentation = planAugmentation(fp, g.sliceAxis, o, c);
  return {
    sliceAxis: g.sliceAxis,
    patch,
    sliceSize: sliceSizeOf(g),
    batchSize,
    normalization,
    width,
    depth: g.depth,
    nodes,
    warmupSteps,
    minSteps,
    steps,
    stepsPerEpoch,
    patience,
    excludedOps,
    alphaLr,
    foregroundShare,
    augmentation,
    workers,
    estimatedStepSeconds: pick.stepSeconds,
    choices: c.list,
  };
}

/**
 * The plan with its length counted in passes over the weight half of the training slices
 * (`--epochs`): `epochs` passes of `passSteps` steps, a genotype derived after each, and
 * early stopping allowed as soon as the genotype is stable.
 */
export function searchWithEpochs(plan: SearchPlan, epochs: number, passSteps: number): SearchPlan {
  const steps = epochs * passSteps;
  const warmupSteps = Math.min(plan.warmupSteps, Math.floor(steps / 2));
  const replaced: Record<string, PlanChoice> = {
    warmupSteps: {
      name: 'warmupSteps',
      value: warmupSteps,
      reason:
        warmupSteps === plan.warmupSteps
          ? (plan.choices.find((c) => c.name === 'warmupSteps')?.reason ?? '')
          : 'at most half the steps of the --epochs run',
    },
    minSteps: {
      name: 'minSteps',
      value: 0,
      reason: 'none: with --epochs the search may stop whenever the genotype is stable',
    },
    maxSteps: {
      name: 'maxSteps',
      value: steps,
      reason: `${epochs} pass(es) of ${passSteps} steps over the weight half of the training slices (--epochs)`,
    },
    stepsPerEpoch: {
      name: 'stepsPerEpoch',
      value: passSteps,
      reason: 'one pass over the weight half of the training slices',
    },
  };
  return {
    ...plan,
    warmupSteps,
    minSteps: 0,
    steps,
    stepsPerEpoch: passSteps,
    choices: plan.choices.map((c) => replaced[c.name] ?? c),
  };
}
