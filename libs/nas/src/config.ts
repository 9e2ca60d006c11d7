/**
 * Zod-validated configuration objects of the model architectures and the input-size rule.
 */
import { z } from 'zod';
import { ShapeError, ValidationError } from '../../core/src/errors.js';
import { MAX_NODES } from './genotype.js';
import { ExcludedOpsSchema } from './search-space.js';

/** NAS-Unet configuration (search supernet and derived net share it). */
export const NasUnetConfigSchema = z.object({
  /** Input channels (1 for a single MR/CT slice). */
  inChannels: z.number().int().min(1).max(64),
  /** Output classes, background included. */
  nClasses: z.number().int().min(1).max(256),
  /** C: channels of every cell's nodes (constant over depth). */
  channels: z.number().int().min(1).max(1024),
  /** Number of DownSCs (the net has depth+1 UpSCs); inputs must be multiples of 2^(depth+1). */
  depth: z.number().int().min(1).max(8),
  /** M: intermediate nodes per cell. */
  nodes: z.number().int().min(1).max(MAX_NODES),
});
export type NasUnetConfig = z.infer<typeof NasUnetConfigSchema>;

/** The search supernet's configuration: a NAS-Unet config plus the ops it leaves out. */
export const NasUnetSearchConfigSchema = NasUnetConfigSchema.extend({
  /** Candidate ops not weighed by any mixed op (search-space.ts); default none: the spec's space. */
  excludedOps: ExcludedOpsSchema.default([]),
});
export type NasUnetSearchConfig = z.infer<typeof NasUnetSearchConfigSchema>;

/** Classic U-Net configuration. */
export const UNetConfigSchema = z.object({
  inChannels: z.number().int().min(1).max(64),
  nClasses: z.number().int().min(1).max(256),
  /** Channels of the first level; level l has baseWidth * 2^l. */
  baseWidth: z.number().int().min(1).max(1024),
  /** Number of poolings; inputs must be multiples of 2^depth. */
  depth: z.number().int().min(1).max(8),
});
export type UNetConfig = z.infer<typeof UNetConfigSchema>;

/** Parses a config with a schema; `ValidationError` naming the field on failure. */
export function parseConfig<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.length === 0 ? what : `${what}.${issue.path.map(String).join('.')}`;
    throw new ValidationError(`${field}: ${issue.message}`);
  }
  return r.data;
}

/**
 * Checks an NHWC input shape: channels must equal `inChannels`, and H and W must be
 * multiples of `multiple` (2^(depth+1) for NAS-Unet, 2^depth for U-Net). Throws
 * `ShapeError` naming the rule and the nearest valid sizes.
 */
export function checkInputShape(
  shape: readonly number[],
  inChannels: number,
  multiple: number,
  rule: string,
): void {
  if (shape.length !== 4) throw new ShapeError(`input must be NHWC [N, H, W, C]; got rank ${shape.length}`);
  const [, h, w, c] = shape as [number, number, number, number];
  if (c !== inChannels) throw new ShapeError(`input has ${c} channels; the model expects ${inChannels}`);
  for (const [name, v] of [
    ['H', h],
    ['W', w],
  ] as const) {
    if (v % multiple !== 0 || v === 0) {
      const lo = Math.floor(v / multiple) * multiple;
      const hi = lo + multiple;
      const options = lo > 0 ? `${lo} or ${hi}` : `${hi}`;
      throw new ShapeError(
        `input ${name} = ${v} breaks the rule: H and W must be multiples of ${multiple} (${rule}); nearest valid sizes: ${options} (pad the input)`,
      );
    }
  }
}

/**
 * The input-size rule of an architecture: H and W must be multiples of `multiple`;
 * `text` names the rule in `ShapeError` messages.
 */
export interface InputSizeRule {
  readonly multiple: number;
  readonly text: string;
}

/** U-Net and FC-DenseNet halve the size once per level: multiples of 2^depth. */
export function poolingSizeRule(model: 'U-Net' | 'FC-DenseNet', depth: number): InputSizeRule {
  return { multiple: 2 ** depth, text: `${model} depth ${depth}: 2^depth` };
}

/** NAS-Unet (search supernet and derived net): multiples of 2^(depth+1). */
export function nasUnetSizeRule(depth: number): InputSizeRule {
  return { multiple: 2 ** (depth + 1), text: `NAS-Unet depth ${depth}: 2^(depth+1)` };
}

/** FC-DenseNet ("Tiramisu", Jegou et al. 2017) configuration. */
export const FcDenseNetConfigSchema = z.object({
  inChannels: z.number().int().min(1).max(64),
  nClasses: z.number().int().min(1).max(256),
  /** Channels of the first 3x3 conv (48 in the paper). */
  firstChannels: z.number().int().min(1).max(1024),
  /** Growth rate k: channels each dense layer adds (12 or 16 in the paper). */
  growthRate: z.number().int().min(1).max(256),
  /** Layers per dense block, bottleneck included (4 for FC-DenseNet56, 5 for 67). */
  layersPerBlock: z.number().int().min(1).max(32),
  /** Number of transitions down; inputs must be multiples of 2^depth. */
  depth: z.number().int().min(1).max(8),
});
export type FcDenseNetConfig = z.infer<typeof FcDenseNetConfigSchema>;
