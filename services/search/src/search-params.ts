/**
 * Validation of StartSearch requests into the parameters a search job stores: presets are
 * expanded and defaults filled in, so the job record is self-contained.
 */
import { z } from 'zod';
import { ValidationError } from '../../../libs/core/src/index.js';
import { ALPHA_OPTIMISER } from '../../../libs/engine/src/index.js';
import { MAX_SEEDS, RECOMMENDED_EXCLUDED_OPS, parseExcludedOps } from '../../../libs/nas/src/index.js';
import type { StartSearchRequest__Output } from '../../../libs/rpc/src/index.js';
import { MAX_CASES } from '../../common/src/dataset-slices.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Search-space presets (C, depth, M). */
export const SEARCH_PRESETS = {
  SEARCH_SPACE_PRESET_TINY: { initChannels: 4, depth: 2, nodes: 2 },
  SEARCH_SPACE_PRESET_SMALL: { initChannels: 8, depth: 3, nodes: 3 },
  SEARCH_SPACE_PRESET_PAPER: { initChannels: 32, depth: 4, nodes: 4 },
} as const;

/** Everything a search job needs, validated. */
export interface SearchParams {
  dataset: { name: string; digest: string };
  space: {
    preset: string;
    initChannels: number;
    depth: number;
    nodes: number;
    /** Candidate ops the supernet leaves out (absent in jobs stored before it existed: none). */
    excludedOps?: string[];
  };
  budget: { maxEpochs: number; maxSteps: number; maxSeconds: number };
  seed: number;
  genotypeName: string;
  hyper: {
    batchSize: number;
    imageSize: number;
    warmupEpochs: number;
    patience: number;
    /** Only the first N cases of the dataset; 0 (or absent, in jobs stored before it existed) = every case. */
    maxCases?: number;
    /** Adam learning rate of the alphas (absent in jobs stored before it existed: the spec's). */
    alphaLearningRate?: number;
  };
  /** W3C trace context of the StartSearch call, so the job continues its trace. */
  trace?: Record<string, string>;
  /** The multi-seed search this job belongs to, and its place in the request's seeds. */
  group?: { id: string; index: number };
}

/**
 * The seeds of a multi-seed search (`seeds`), or undefined for a single-seed one;
 * `ValidationError` unless 2..16 distinct seeds with `seed` left at 0.
 */
export function parseSeeds(
  request: Pick<StartSearchRequest__Output, 'seed' | 'seeds'>,
): number[] | undefined {
  const seeds = request.seeds ?? [];
  if (seeds.length === 0) return undefined;
  if (seeds.length < 2 || seeds.length > MAX_SEEDS) {
    fail('seeds', `a multi-seed search takes 2..${MAX_SEEDS} seeds, got ${seeds.length}`);
  }
  if (new Set(seeds).size !== seeds.length) fail('seeds', 'must be distinct');
  if (request.seed) fail('seed', 'must be 0 when seeds are given (each job takes one of them)');
  return [...seeds];
}

const RequestSchema = z.object({
  dataset: z.object({
    name: z.string().regex(NAME, 'must match [a-z0-9][a-z0-9._-]{0,63}'),
    digest: z.union([
      z.literal(''),
      z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>'),
    ]),
  }),
  searchSpace: z.object({
    preset: z.string(),
    initChannels: z.number().int().min(0).max(256),
    depth: z.number().int().min(0).max(6),
    nodes: z.number().int().min(0).max(6),
    excludedOps: z.array(z.string()),
    allOps: z.boolean(),
  }),
  budget: z.object({
    maxEpochs: z.number().int().min(0).max(10000),
    maxSteps: z.number().int().min(0),
    maxSeconds: z.number().min(0),
  }),
  seed: z.number().int().min(0),
  genotypeName: z.string().regex(NAME, 'must match [a-z0-9][a-z0-9._-]{0,63}'),
  hyperParameters: z
    .object({
      batchSize: z.number().int().min(0).max(64),
      imageSize: z.number().int().min(0).max(4096),
      warmupEpochs: z.number().int().min(0),
      patience: z.number().int().min(0),
      maxCases: MAX_CASES,
      alphaLearningRate: z
        .number()
        .min(0, 'must be 0 (default) or in (0, 1]')
        .max(1, 'must be 0 (default) or in (0, 1]'),
    })
    .nullable(),
});

function fail(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`);
}

/** The exclusion list a request asks for: its own, none with `all_ops`, else the recommended one. */
function excludedOpsOf(space: { excludedOps: string[]; allOps: boolean }): string[] {
  if (space.allOps) {
    if (space.excludedOps.length > 0) fail('search_space.excluded_ops', 'must be empty when all_ops is set');
    return [];
  }
  if (space.excludedOps.length === 0) return [...RECOMMENDED_EXCLUDED_OPS];
  return parseExcludedOps(space.excludedOps, 'search_space.excluded_ops');
}

/** Validates a StartSearch request; `ValidationError` names the first bad field. */
export function parseStartSearch(request: StartSearchRequest__Output): SearchParams {
  if (!request.dataset) fail('dataset', 'is required');
  if (!request.searchSpace) fail('search_space', 'is required (at least a preset)');
  if (!request.budget) fail('budget', 'is required');
  const r = RequestSchema.safeParse(request);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    fail(issue.path.map(String).join('.'), issue.message);
  }
  const req = r.data;
  const preset = SEARCH_PRESETS[req.searchSpace.preset as keyof typeof SEARCH_PRESETS];
  const pick = (field: 'initChannels' | 'depth' | 'nodes', label: string): number => {
    const v = req.searchSpace[field];
    if (v > 0) return v;
    if (!preset) fail(`search_space.${label}`, 'is required when no preset is given');
    return preset[field];
  };
  const space = {
    preset: req.searchSpace.preset,
    initChannels: pick('initChannels', 'init_channels'),
    depth: pick('depth', 'depth'),
    nodes: pick('nodes', 'nodes'),
    excludedOps: excludedOpsOf(req.searchSpace),
  };
  const { maxEpochs, maxSteps, maxSeconds } = req.budget;
  if (maxEpochs === 0 && maxSteps === 0 && maxSeconds === 0) {
    fail('budget', 'at least one of max_epochs, max_steps, max_seconds must be > 0');
  }
  const multiple = 2 ** (space.depth + 1);
  const h = req.hyperParameters;
  const imageSize = h?.imageSize || 64;
  if (imageSize % multiple !== 0) {
    fail('hyper_parameters.image_size', `must be a multiple of 2^(depth+1) = ${multiple}, got ${imageSize}`);
  }
  // An explicit warm-up is capped at max_epochs; the default (10) is halved for short runs
  // so that the alphas still move.
  const warmup = h?.warmupEpochs
    ? Math.min(h.warmupEpochs, maxEpochs || h.warmupEpochs)
    : maxEpochs > 0 && maxEpochs <= 10
      ? Math.floor(maxEpochs / 2)
      : 10;
  return {
    dataset: { name: req.dataset.name, digest: req.dataset.digest },
    space,
    budget: { maxEpochs, maxSteps, maxSeconds },
    seed: req.seed,
    genotypeName: req.genotypeName,
    hyper: {
      batchSize: h?.batchSize || 2,
      imageSize,
      warmupEpochs: warmup,
      patience: h?.patience || 40,
      maxCases: h?.maxCases ?? 0,
      alphaLearningRate: h?.alphaLearningRate || ALPHA_OPTIMISER.lr,
    },
  };
}
