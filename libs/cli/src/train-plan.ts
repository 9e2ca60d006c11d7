/**
 * The automatic configuration of `nasunet train` (libs/engine auto-config) made concrete
 * for this process: the dataset's fingerprint, the cost model of libs/nas for memory and
 * parameters, step times measured on this backend (two probe sizes, scaled by FLOPs), and
 * the user's options as overrides. The plan is written to `<out>/plan.json`; a resumed
 * run reads it back instead of planning again, so it continues the same configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { totalmem } from 'node:os';
import { IntegrityError } from '../../core/src/index.js';
import type { Dataset } from '../../data/src/index.js';
import {
  fingerprintDataset,
  planTraining,
  timeTrainStep,
  writeFileAtomic,
  type PlanRequest,
  type PlannedArchitecture,
  type TrainingPlan,
} from '../../engine/src/index.js';
import { createModel, estimateCost, type Genotype } from '../../nas/src/index.js';
import { backendMemoryLimitBytes } from '../../tensor/src/index.js';

/** What the user fixed; anything absent is planned. */
export type PlanOverrides = NonNullable<PlanRequest['overrides']>;

/** The model configuration of a planned width and depth. */
export function plannedConfig(
  arch: PlannedArchitecture,
  c: { width: number; depth: number },
  nClasses: number,
  genotype?: Genotype,
): Record<string, unknown> {
  return arch === 'unet'
    ? { inChannels: 1, nClasses, baseWidth: c.width, depth: c.depth }
    : { inChannels: 1, nClasses, channels: c.width, depth: c.depth, nodes: genotype?.nodes ?? 4 };
}

/** Seconds per step of any candidate, from two measured batch sizes of the first one asked, scaled by FLOPs. */
function stepTimer(
  arch: PlannedArchitecture,
  nClasses: number,
  genotype: Genotype | undefined,
): PlanRequest['stepSeconds'] {
  let rate: { fixed: number; perFlop: number } | null = null;
  const flopsOf = (c: { width: number; depth: number; patch: [number, number] }): number =>
    estimateCost(
      {
        architecture: arch,
        config: plannedConfig(arch, c, nClasses, genotype),
        ...(genotype ? { genotype } : {}),
      },
      { batch: 1, height: c.patch[0], width: c.patch[1] },
    ).flopsPerSample;
  return (c) => {
    const flops = flopsOf(c);
    if (rate === null) {
      const net = createModel(arch, plannedConfig(arch, c, nClasses, genotype), {
        seed: 0,
        ...(genotype ? { genotype } : {}),
      });
      try {
        const input = { height: c.patch[0], width: c.patch[1], channels: 1, nClasses };
        const t2 = timeTrainStep(net, { ...input, batchSize: 2 });
        const t4 = timeTrainStep(net, { ...input, batchSize: 4 });
        const perSample = Math.max((t4 - t2) / 2, t4 / 8);
        rate = { fixed: Math.max(0, t2 - 2 * perSample), perFlop: perSample / flops };
      } finally {
        net.dispose();
      }
    }
    return rate.fixed + rate.perFlop * flops * c.batchSize;
  };
}

/** Path of a run's plan. */
export function planPath(outDir: string): string {
  return join(outDir, 'plan.json');
}

/** Writes the plan (and the fingerprint it came from) into the run folder. */
export function savePlan(outDir: string, plan: TrainingPlan): void {
  writeFileAtomic(planPath(outDir), JSON.stringify(plan, null, 2) + '\n');
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
  const path = planPath(o.outDir);
  if (o.resume && existsSync(path)) {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as TrainingPlan;
    } catch (e) {
      throw new IntegrityError(`${path}: cannot read the run's plan (${(e as Error).message})`);
    }
  }
  const nClasses = dataset.classes.length;
  const fp = fingerprintDataset(dataset);
  const memoryBytes =
    o.memoryLimitMb !== undefined
      ? o.memoryLimitMb * 2 ** 20
      : Math.min(totalmem() * 0.5, backendMemoryLimitBytes());
  const costOf = (c: { width: number; depth: number; patch: [number, number]; batchSize: number }) =>
    estimateCost(
      {
        architecture: arch,
        config: plannedConfig(arch, c, nClasses, genotype),
        ...(genotype ? { genotype } : {}),
      },
      { batch: c.batchSize, height: c.patch[0], width: c.patch[1] },
    );
  const plan = planTraining(fp, {
    architecture: arch,
    memoryBytes,
    timeSeconds: o.timeBudgetSeconds,
    stepSeconds: stepTimer(arch, nClasses, genotype),
    peakBytes: (c) => costOf(c).peakTrainingBytes,
    parameters: (c) =>
      costOf({ ...c, patch: [2 ** (c.depth + 1), 2 ** (c.depth + 1)], batchSize: 1 }).parameters,
    overrides: o.overrides,
    ...(o.overrideSources ? { overrideSources: o.overrideSources } : {}),
  });
  return { ...plan, fingerprint: fp } as TrainingPlan;
}
