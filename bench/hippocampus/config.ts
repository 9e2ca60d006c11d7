/**
 * Sizes and settings of the hippocampus benchmark. The first run of a bench directory
 * writes them to `<outDir>/config.json`; every later stage reads that file, so all stages
 * of one run share the same split, sizes and seeds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../../libs/core/src/index.js';
import { writeFileAtomic } from '../../libs/engine/src/index.js';

const posInt = z.number().int().min(1);

/** Schema of the benchmark configuration (see each field). */
export const BenchConfigSchema = z.object({
  version: z.literal(1),
  /** MSD Task04 hippocampus folder (images/ + labels/). */
  dataDir: z.string().min(1),
  /** Compute backend. */
  backend: z.enum(['wasm', 'cpu']),
  /** Seed of the case-level split. */
  splitSeed: z.number().int(),
  /** Test cases (never seen by search or training); the issue asks for at least 50. */
  testCases: z.number().int().min(50),
  /** Validation cases (best-epoch choice in training, validation loss in search). */
  valCases: posInt,
  /** Voxel axis cut into 2D slices. */
  sliceAxis: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  search: z.object({
    /** C of the supernet (the derived nets are trained at `train.channels`). */
    channels: posInt,
    /** Number of DownSCs. */
    depth: posInt,
    /** M, intermediate nodes per cell. */
    nodes: posInt,
    batchSize: posInt,
    /** Slices (with foreground) drawn from the training cases for the search; split 50/50 by case. */
    slices: posInt,
    /** Validation slices used for the per-epoch validation loss. */
    valSlices: posInt,
    /** Weight-only steps before alpha updates begin. */
    warmupSteps: z.number().int().min(0),
    /** Alpha updates wanted after warm-up (the epoch count is derived from it). */
    minAlphaUpdates: posInt,
    /** Seeds of the two searches. */
    seeds: z.tuple([z.number().int(), z.number().int()]),
  }),
  train: z.object({
    /** C of the derived networks (found and random genotypes). */
    channels: posInt,
    batchSize: posInt,
    /** Epoch budget, the same for all five networks. */
    epochs: posInt,
    /** Training slices: a fixed seeded sample from the training cases, the same for every network. */
    slices: posInt,
    /** Fraction of those slices that contain foreground. */
    foregroundFraction: z.number().min(0).max(1),
    /** Validation slices (best epoch by validation Dice). */
    valSlices: posInt,
    /** Weight-initialisation and batching seed. */
    seed: z.number().int(),
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

/** Default sizes, chosen for a loaded 2-core machine (see BENCHMARKS.md). */
export function defaultConfig(dataDir: string): BenchConfig {
  return {
    version: 1,
    dataDir,
    backend: 'wasm',
    splitSeed: 2026,
    testCases: 52,
    valCases: 16,
    sliceAxis: 2,
    search: {
      channels: 4,
      depth: 2,
      nodes: 3,
      batchSize: 2,
      slices: 160,
      valSlices: 48,
      warmupSteps: 30,
      minAlphaUpdates: 200,
      seeds: [1, 2],
    },
    train: {
      channels: 16,
      batchSize: 8,
      epochs: 2,
      slices: 2000,
      foregroundFraction: 0.75,
      valSlices: 192,
      seed: 7,
      randomGenotypeSeeds: [101, 102],
      unetDepth: 3,
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
): BenchConfig {
  const path = configPath(outDir);
  if (existsSync(path)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ValidationError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    return parseBenchConfig(raw, path);
  }
  const d = defaultConfig(dataDir);
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
