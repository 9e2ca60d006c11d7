/**
 * The automatic configuration of `nasunet train` and `nasunet search` (libs/engine
 * auto-config and search-plan) made concrete for this process: the dataset's
 * fingerprint, the cost model of libs/nas for memory and parameters, step times measured
 * on this backend (two probe sizes, scaled by FLOPs), and the user's options as
 * overrides. The plan is written to `<out>/plan.json` (training) or
 * `<out>/search-plan.json`; a resumed run reads it back instead of planning again, so it
 * continues the same configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { totalmem } from 'node:os';
import { IntegrityError } from '../../core/src/index.js';
import type { Dataset } from '../../data/src/index.js';
import {
  ALPHA_OPTIMISER,
  candidateExclusions,
  defaultWorkers,
  fingerprintDataset,
  planSearch,
  planTraining,
  timeTrainStep,
  writeFileAtomic,
  type PlanChoice,
  type PlanRequest,
  type PlannedArchitecture,
  type SearchCandidate,
  type SearchPlan,
  type SearchPlanRequest,
  type TrainingCandidate,
  type TrainingPlan,
} from '../../engine/src/index.js';
import { createModel, estimateCost, type Genotype } from '../../nas/src/index.js';

/** A model to time and cost. */
interface ModelSpec {
  architecture: PlannedArchitecture | 'nasunet_search';
  config: Record<string, unknown>;
  genotype?: Genotype;
}
import { backendMemoryLimitBytes } from '../../tensor/src/index.js';

/** What the user fixed; anything absent is planned. */
export type PlanOverrides = NonNullable<PlanRequest['overrides']>;

/** The model configuration of a planned width and depth. */
export function plannedConfig(
  arch: PlannedArchitecture,
  c: { width: number; depth: number; inChannels: number },
  nClasses: number,
  genotype?: Genotype,
): Record<string, unknown> {
  const { inChannels } = c;
  return arch === 'unet'
    ? { inChannels, nClasses, baseWidth: c.width, depth: c.depth }
    : { inChannels, nClasses, channels: c.width, depth: c.depth, nodes: genotype?.nodes ?? 4 };
}

/**
 * Seconds per step of any candidate: two batch sizes of the first one asked are measured
 * in this thread, the others scaled by FLOPs. With data-parallel workers a step costs what
 * one worker's share of the batch does (the fixed part, kernel launches, stays).
 */
function stepTimer<
  C extends {
    width: number;
    depth: number;
    /** Input channels [1] (a search's supernet sees the slice alone). */
    inChannels?: number;
    patch: [number, number];
    batchSize: number;
    workers: number;
  },
>(specOf: (c: C) => ModelSpec, nClasses: number): (c: C) => number {
  let rate: { fixed: number; perFlop: number } | null = null;
  const flopsOf = (c: C): number =>
    estimateCost(specOf(c), { batch: 1, height: c.patch[0], width: c.patch[1] }).flopsPerSample;
  return (c) => {
    const flops = flopsOf(c);
    if (rate === null) {
      const spec = specOf(c);
      const net = createModel(spec.architecture, spec.config, {
        seed: 0,
        ...(spec.genotype ? { genotype: spec.genotype } : {}),
      });
      try {
        const input = { height: c.patch[0], width: c.patch[1], channels: c.inChannels ?? 1, nClasses };
        const t2 = timeTrainStep(net, { ...input, batchSize: 2 });
        const t4 = timeTrainStep(net, { ...input, batchSize: 4 });
        const perSample = Math.max((t4 - t2) / 2, t4 / 8);
        rate = { fixed: Math.max(0, t2 - 2 * perSample), perFlop: perSample / flops };
      } finally {
        net.dispose();
      }
    }
    return rate.fixed + rate.perFlop * flops * Math.ceil(c.batchSize / c.workers);
  };
}

/** File name of a run's plan, by run kind. */
export const PLAN_FILES = { train: 'plan.json', search: 'search-plan.json' } as const;

/** Writes the plan (and the fingerprint it came from) into the run folder. */
export function savePlan(
  outDir: string,
  kind: keyof typeof PLAN_FILES,
  plan: { choices: PlanChoice[] },
): void {
  writeFileAtomic(join(outDir, PLAN_FILES[kind]), JSON.stringify(plan, null, 2) + '\n');
}

/** The plan a resumed run wrote, or null when there is none. */
function readPlan<P>(outDir: string, kind: keyof typeof PLAN_FILES): P | null {
  const path = join(outDir, PLAN_FILES[kind]);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as P;
  } catch (e) {
    throw new IntegrityError(`${path}: cannot read the run's plan (${(e as Error).message})`);
  }
}

/** Memory a planned run may use: the user's limit, else half the RAM within what the backend addresses. */
function memoryBudget(memoryLimitMb: number | undefined): number {
  return memoryLimitMb !== undefined
    ? memoryLimitMb * 2 ** 20
    : Math.min(totalmem() * 0.5, backendMemoryLimitBytes());
}

/** Plans (or, when resuming, reads back) the training configuration of a run in `outDir`. */
export function planTrainingRun(
  dataset: Dataset,
  arch: PlannedArchitecture,
  genotype: Genotype | undefined,
  o: {
    outDir: string;
    resume: boolean;
    timeBudgetSeconds: number;
    memoryLimitMb?: number;
    overrides: PlanOverrides;
    overrideSources?: Partial<Record<string, string>>;
  },
): TrainingPlan {
  const saved = o.resume ? readPlan<TrainingPlan>(o.outDir, 'train') : null;
  // Plans written before 2.5D input or planned augmentation existed fed the slice alone, flipped.
  if (saved)
    return { ...saved, contextSlices: saved.contextSlices ?? 0, augmentation: saved.augmentation ?? 'flips' };
  const nClasses = dataset.classes.length;
  const fp = fingerprintDataset(dataset);
  const specOf = (c: { width: number; depth: number; inChannels: number }): ModelSpec => ({
    architecture: arch,
    config: plannedConfig(arch, c, nClasses, genotype),
    ...(genotype ? { genotype } : {}),
  });
  const costOf = (c: Omit<TrainingCandidate, 'workers'>) =>
    estimateCost(specOf(c), { batch: c.batchSize, height: c.patch[0], width: c.patch[1] });
  const plan = planTraining(fp, {
    architecture: arch,
    cores: defaultWorkers(),
    memoryBytes: memoryBudget(o.memoryLimitMb),
    timeSeconds: o.timeBudgetSeconds,
    stepSeconds: stepTimer<TrainingCandidate>(specOf, nClasses),
    peakBytes: (c) => costOf(c).peakTrainingBytes,
    parameters: (c) =>
      costOf({ ...c, patch: [2 ** (c.depth + 1), 2 ** (c.depth + 1)], batchSize: 1 }).parameters,
    overrides: o.overrides,
    ...(o.overrideSources ? { overrideSources: o.overrideSources } : {}),
  });
  return { ...plan, fingerprint: fp } as TrainingPlan;
}

/** The supernet configuration of a planned search candidate. */
export function searchConfig(
  c: { width: number; depth: number; nodes: number; excludedOps?: readonly string[] },
  nClasses: number,
) {
  return {
    inChannels: 1,
    nClasses,
    channels: c.width,
    depth: c.depth,
    nodes: c.nodes,
    excludedOps: [...(c.excludedOps ?? [])],
  };
}

/** Plans (or, when resuming, reads back) the search configuration of a run in `outDir`. */
export function planSearchRun(
  dataset: Dataset,
  o: {
    outDir: string;
    resume: boolean;
    timeBudgetSeconds: number;
    memoryLimitMb?: number;
    overrides: NonNullable<SearchPlanRequest['overrides']>;
    overrideSources?: Partial<Record<string, string>>;
  },
): SearchPlan {
  const saved = o.resume ? readPlan<SearchPlan>(o.outDir, 'search') : null;
  // Plans written before planned augmentation existed trained with the recipe's flips, and
  // those written before excluded ops searched every op.
  if (saved)
    return {
      ...saved,
      augmentation: saved.augmentation ?? 'flips',
      excludedOps: saved.excludedOps ?? [],
      alphaLr: saved.alphaLr ?? ALPHA_OPTIMISER.lr,
    };
  const nClasses = dataset.classes.length;
  const specOf = (c: SearchCandidate): ModelSpec => ({
    architecture: 'nasunet_search',
    config: searchConfig({ ...c, excludedOps: candidateExclusions(o.overrides) }, nClasses),
  });
  const weightStep = stepTimer(specOf, nClasses);
  const plan = planSearch(fingerprintDataset(dataset), {
    cores: defaultWorkers(),
    memoryBytes: memoryBudget(o.memoryLimitMb),
    timeSeconds: o.timeBudgetSeconds,
    // A bilevel step is a weight step and an alpha step, each a forward and backward pass.
    stepSeconds: (c) => 2 * weightStep(c),
    peakBytes: (c) =>
      estimateCost(specOf(c), { batch: c.batchSize, height: c.patch[0], width: c.patch[1] })
        .peakTrainingBytes,
    overrides: o.overrides,
    ...(o.overrideSources ? { overrideSources: o.overrideSources } : {}),
  });
  return plan;
}
