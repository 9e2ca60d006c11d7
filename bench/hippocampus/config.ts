/**
 * Sizes and settings of the hippocampus benchmark. The first run of a bench directory
 * writes them to `<outDir>/config.json`; every later stage reads that file, so all stages
 * of one run share the same split, sizes and seeds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../../libs/core/src/index.js';
import { MAX_CONTEXT_SLICES } from '../../libs/data/src/index.js';
import { ALPHA_OPTIMISER, writeFileAtomic } from '../../libs/engine/src/index.js';
import { ExcludedOpsSchema, RECOMMENDED_EXCLUDED_OPS } from '../../libs/nas/src/index.js';

const posInt = z.number().int().min(1);

/** Schema of the benchmark configuration (see each field). */
export const BenchConfigSchema = z.object({
  version: z.literal(2),
  /** MSD Task04 hippocampus folder (images/ + labels/). */
  dataDir: z.string().min(1),
  /** Compute backend. */
  backend: z.enum(['wasm', 'cpu']),
  /** Seed of the case-level split. */
  splitSeed: z.number().int(),
  /** Test cases (never seen by search or training); the issue asks for at least 50. */
  testCases: z.number().int().min(50),
  /** Validation cases (best-checkpoint choice in training, validation loss in search). */
  valCases: posInt,
  /** Voxel axis cut into 2D slices. */
  sliceAxis: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  /** Neighbouring slices on each side as extra input channels of every network (2.5D); absent: 0. */
  contextSlices: z.number().int().min(0).max(MAX_CONTEXT_SLICES).default(0),
  search: z.object({
    /** C of the supernet (the derived nets are trained at a width chosen by parameters). */
    channels: posInt,
    /** Number of DownSCs. */
    depth: posInt,
    /** M, intermediate nodes per cell. */
    nodes: posInt,
    batchSize: posInt,
    /** Validation slices used for the per-epoch validation loss. */
    valSlices: posInt,
    /** Weight-only steps before alpha updates begin. */
    warmupSteps: z.number().int().min(0),
    /** Alpha updates after warm-up; the search runs at least this many. */
    alphaUpdates: posInt,
    /**
     * Past `alphaUpdates` the search stops as soon as the genotype has been unchanged for
     * `stableEpochs` epochs, and at the latest after this many alpha updates.
     */
    maxAlphaUpdates: posInt,
    /** Steps between genotype derivations (the search's epoch). */
    stepsPerEpoch: posInt,
    /** Epochs the genotype must have been unchanged for the search to stop (and count as converged). */
    stableEpochs: posInt,
    /** Seeds of the two searches. */
    seeds: z.tuple([z.number().int(), z.number().int()]),
    /** Learning rate of the alphas' Adam (the spec's 3e-4 by default). */
    alphaLr: z.number().positive().max(1).default(ALPHA_OPTIMISER.lr),
    /**
     * Candidate ops the supernet leaves out (libs/nas search-space.ts); the random genotypes
     * are drawn from the same space. Absent in a run folder of an earlier version: none.
     */
    excludedOps: ExcludedOpsSchema.default([]),
  }),
  train: z.object({
    /** Steps of every training (batches drawn by the recipe: a third with foreground). */
    steps: posInt,
    batchSize: posInt,
    /** Training seeds; every network is trained once per seed. */
    seeds: z.array(z.number().int()).min(1),
    /** Validation slices (best checkpoint by validation Dice). */
    valSlices: posInt,
    /** The derived nets use the smallest of `channelChoices` giving at least this many parameters. */
    minParameters: posInt,
    channelChoices: z.array(posInt).min(1),
    /** Seeds of the two random genotypes. */
    randomGenotypeSeeds: z.tuple([z.number().int(), z.number().int()]),
    /** U-Net depth (poolings) of both U-Nets. */
    unetDepth: posInt,
    /** Width of the classic wider U-Net, as a multiple of the parameter-matched U-Net's width. */
    wideUnetFactor: z.number().min(1),
  }),
});

/** The benchmark configuration. */
export type BenchConfig = z.infer<typeof BenchConfigSchema>;

/**
 * Default sizes: about two hours of a 2-core machine (two searches of 1200 to 1700 steps
 * of batch 4 side by side, about 20 minutes; then 15 trainings of 2000 steps, two
 * processes at a time, about 75 minutes). Slices along voxel axis 0, the plane the
 * PyTorch reference segments best (BENCHMARKS.md, "Slicing plane and plane ensembles"),
 * at the depth the planner picks for them (2: a coarsest level of 6 x 8; depth 3 lost
 * 0.006 Dice with the same cells).
 * `full` is the longer run for the best figures: batch 8, 3000 alpha updates and 4000
 * training steps.
 */
export function defaultConfig(dataDir: string, full = false): BenchConfig {
  return {
    version: 2,
    dataDir,
    backend: 'wasm',
    splitSeed: 2026,
    testCases: 52,
    valCases: 16,
    sliceAxis: 0,
    contextSlices: 0,
    search: {
      channels: 8,
      depth: 2,
      nodes: 3,
      // Batch 8 doubles the search's hour (about 3 s per bilevel step here at batch 4).
      batchSize: full ? 8 : 4,
      valSlices: 96,
      warmupSteps: 200,
      alphaUpdates: full ? 3000 : 1000,
      maxAlphaUpdates: full ? 4000 : 1500,
      stepsPerEpoch: 100,
      stableEpochs: 5,
      seeds: [1, 2],
      alphaLr: ALPHA_OPTIMISER.lr,
      excludedOps: [...RECOMMENDED_EXCLUDED_OPS],
    },
    train: {
      steps: full ? 4000 : 2000,
      batchSize: 16,
      seeds: [0, 1, 2],
      valSlices: 192,
      minParameters: 100_000,
      channelChoices: [8, 12, 16, 20, 24, 32],
      randomGenotypeSeeds: [101, 102],
      unetDepth: 2,
      wideUnetFactor: 2,
    },
  };
}

/** Path of the configuration file of a bench directory. */
export function configPath(outDir: string): string {
  return join(outDir, 'config.json');
}

/** Validates a configuration; throws `ValidationError` naming the field. */
export function parseBenchConfig(value: unknown, source: string): BenchConfig {
  const r = BenchConfigSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ValidationError(`${source}: ${issue.path.map(String).join('.') || 'config'}: ${issue.message}`);
  }
  return r.data;
}

/**
 * Reads `<outDir>/config.json` when present; otherwise builds the defaults, applies
 * `overrides` (a partial config, deep-merged one level) and writes the file.
 */
export function loadOrCreateConfig(
  outDir: string,
  dataDir: string,
  overrides: Partial<BenchConfig>,
  full = false,
): BenchConfig {
  const path = configPath(outDir);
  if (existsSync(path)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ValidationError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    if ((raw as { version?: unknown }).version !== 2) {
      throw new ValidationError(`${path}: written by an older version of this benchmark; give a new --out`);
    }
    return parseBenchConfig(raw, path);
  }
  const d = defaultConfig(dataDir, full);
  const merged = parseBenchConfig(
    {
      ...d,
      ...overrides,
      search: { ...d.search, ...overrides.search },
      train: { ...d.train, ...overrides.train },
    },
    'configuration',
  );
  writeFileAtomic(path, JSON.stringify(merged, null, 2) + '\n');
  return merged;
}
