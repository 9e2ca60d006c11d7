/**
 * Validation of StartTraining requests into the parameters a training job stores.
 */
import { z } from 'zod';
import { ValidationError } from '../../../libs/core/src/index.js';
import type { StartTrainingRequest__Output } from '../../../libs/rpc/src/index.js';
import { MAX_CONTEXT_SLICES } from '../../../libs/data/src/index.js';
import { MAX_CASES } from '../../common/src/dataset-slices.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Everything a training job needs, validated, defaults filled in. */
export interface TrainingParams {
  /** `nasunet` with a resolved genotype, or the `unet` baseline. */
  architecture:
    { kind: 'nasunet'; genotype: { name: string; version: number }; genotypeJson: string } | { kind: 'unet' };
  dataset: { name: string; digest: string };
  hyper: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    weightDecay: number;
    diceWeight: number;
    initChannels: number;
    depth: number;
    imageSize: number;
    augment: boolean;
    validationFraction: number;
    /** 0 = no step limit. */
    maxSteps: number;
    /** Seconds from the job's start; 0 = no time limit. */
    maxSeconds: number;
    /** Only the first N cases of the dataset; 0 (or absent, in jobs stored before it existed) = every case. */
    maxCases?: number;
    /** Neighbouring slices on each side as extra input channels; 0 (or absent, in older jobs) = the slice alone. */
    contextSlices?: number;
  };
  seed: number;
  modelName: string;
  /** W3C trace context of the StartTraining call, so the job continues its trace. */
  trace?: Record<string, string>;
}

const HyperSchema = z.object({
  epochs: z.number().int().min(0).max(10000),
  batchSize: z.number().int().min(0).max(64),
  learningRate: z.number().min(0).max(1),
  weightDecay: z.number().min(0).max(1),
  diceWeight: z.number().min(0).max(10),
  initChannels: z.number().int().min(0).max(256),
  depth: z.number().int().min(0).max(6),
  imageSize: z.number().int().min(0).max(4096),
  augment: z.boolean(),
  validationFraction: z.number().min(0).max(0.5),
  maxSteps: z.number().int().min(0).max(10_000_000),
  maxSeconds: z.number().min(0).max(604_800),
  maxCases: MAX_CASES,
  contextSlices: z.number().int().min(0).max(MAX_CONTEXT_SLICES),
});

function fail(field: string, message: string): never {
  throw new ValidationError(`${field}: ${message}`);
}

/**
 * Validates a StartTraining request. The genotype version is resolved later (registry);
 * here `architecture.genotype.version` is the requested one (0 = latest).
 */
export function parseStartTraining(req: StartTrainingRequest__Output): TrainingParams {
  if (!req.dataset || !NAME.test(req.dataset.name))
    fail('dataset.name', 'must match [a-z0-9][a-z0-9._-]{0,63}');
  if (req.dataset.digest && !/^sha256:[0-9a-f]{64}$/.test(req.dataset.digest))
    fail('dataset.digest', 'must be sha256:<64 hex digits>');
  if (!NAME.test(req.modelName)) fail('model_name', 'must match [a-z0-9][a-z0-9._-]{0,63}');
  let architecture: TrainingParams['architecture'];
  if (req.architecture === 'genotype' && req.genotype) {
    if (!NAME.test(req.genotype.name)) fail('genotype.name', 'must match [a-z0-9][a-z0-9._-]{0,63}');
    architecture = {
      kind: 'nasunet',
      genotype: { name: req.genotype.name, version: req.genotype.version },
      genotypeJson: '',
    };
  } else if (req.architecture === 'baseline' && req.baseline === 'BASELINE_ARCHITECTURE_UNET') {
    architecture = { kind: 'unet' };
  } else {
    fail('architecture', 'exactly one of genotype or baseline (UNET) is required');
  }
  const h = req.hyperParameters;
  if (h) {
    const r = HyperSchema.safeParse(h);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      fail(`hyper_parameters.${issue.path.map(String).join('.')}`, issue.message);
    }
  }
  const isUnet = architecture.kind === 'unet';
  const depth = h?.depth || 4;
  const multiple = isUnet ? 2 ** depth : 2 ** (depth + 1);
  const imageSize = h?.imageSize || 64;
  if (imageSize % multiple !== 0)
    fail(
      'hyper_parameters.image_size',
      `must be a multiple of ${multiple} for depth ${depth}, got ${imageSize}`,
    );
  return {
    architecture,
    dataset: { name: req.dataset!.name, digest: req.dataset!.digest },
    hyper: {
      epochs: h?.epochs || 50,
      batchSize: h?.batchSize || 4,
      learningRate: h?.learningRate || 1e-3,
      weightDecay: h?.weightDecay || 5e-4,
      diceWeight: h?.diceWeight || 1,
      initChannels: h?.initChannels || (isUnet ? 16 : 32),
      depth,
      imageSize,
      augment: h?.augment ?? false,
      validationFraction: h?.validationFraction || 0.2,
      maxSteps: h?.maxSteps ?? 0,
      maxSeconds: h?.maxSeconds ?? 0,
      maxCases: h?.maxCases ?? 0,
      contextSlices: h?.contextSlices ?? 0,
    },
    seed: req.seed,
    modelName: req.modelName,
  };
}
