/**
 * Model bundle: the one format a trained model is stored in (registry) and loaded from
 * (inference). A bundle is a JSON manifest plus one binary weights blob:
 * - manifest: format version, architecture key + config, genotype (or null), the
 *   preprocessing the model was trained with, the weight table `[{name, shape, dtype,
 *   offset}]` and the SHA-256 and byte length of the weights;
 * - weights: every tensor as little-endian float32, concatenated in table order
 *   (`offset` in bytes).
 * Loading verifies the checksum, then every tensor name and shape against the network
 * the manifest describes, and refuses any mismatch (`IntegrityError` / `ShapeError`
 * naming the tensor).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { IntegrityError, ShapeError, ValidationError } from '../../core/src/errors.js';
import { MAX_CONTEXT_SLICES } from '../../data/src/context-slices.js';
import { SegmentCodesSchema } from '../../data/src/segment-codes.js';
import { tf } from '../../tensor/src/index.js';
import type { NamedWeight, NamedWeightsNet } from './contracts.js';
import { GenotypeSchema } from './genotype.js';
import { ARCHITECTURE_KEYS, createModel } from './models.js';

export { SegmentCodesSchema, type SegmentCodes } from '../../data/src/segment-codes.js';

/** Current bundle format version. */
export const BUNDLE_FORMAT_VERSION = 1;

/** Intensity normalisation, as recorded by the data pipeline: per-case z-score, or fixed dataset statistics. */
export const NormalizationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('zscore') }),
  z.object({ kind: z.literal('fixed'), mean: z.number(), std: z.number().positive() }),
]);

/** The preprocessing a model was trained with; inference applies exactly this. */
export const PreprocessingSchema = z
  .object({
    /** Channels of the network input: 2 * contextSlices + 1 for slices of volumes. */
    inputChannels: z.number().int().min(1),
    /**
     * Neighbouring slices on each side of a slice that the network sees as extra input
     * channels (2.5D; the nearest slice repeats at a volume's ends); 0 = the slice alone.
     */
    contextSlices: z.number().int().min(0).max(MAX_CONTEXT_SLICES).default(0),
    /** Voxel axis (0, 1 or 2) volumes are cut along into 2D slices. */
    sliceAxis: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    /** Orientation convention of the voxel axes, e.g. `RAS`, `LPS` or `as-stored`. */
    orientation: z.string().min(1),
    /** Voxel spacing in millimetres (x, y[, z]), every value > 0; null when unknown. */
    spacingMm: z.array(z.number().positive()).min(2).max(3).nullable(),
    normalization: NormalizationSchema,
    /** Slices are centre-padded so H and W are multiples of this (2^(depth+1) for NAS-Unet). */
    padMultiple: z.number().int().min(1),
    /** Padding fill of the image: `zero` or `edge` (labels always pad with background). */
    padMode: z.enum(['zero', 'edge']).default('zero'),
    /**
     * Height and width of the network input in training (multiples of `padMultiple`).
     * Inference centre-pads every slice to at least this size, exactly as training did, and
     * covers larger slices with overlapping windows of this size. Absent in older bundles:
     * slices are then padded to the next multiple of `padMultiple` only.
     */
    inputSize: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
    /**
     * Output classes in channel order: label code in the data, a display name and,
     * optionally, the coded concepts a DICOM Segmentation records for the class (absent:
     * SCT "Anatomical Structure" / "Tissue").
     */
    classes: z
      .array(
        z.object({
          code: z.number().int().min(0),
          name: z.string().min(1),
          segment: SegmentCodesSchema.optional(),
        }),
      )
      .min(1),
  })
  .refine((p) => p.contextSlices === 0 || p.inputChannels === 2 * p.contextSlices + 1, {
    message: 'inputChannels must be 2 * contextSlices + 1 when contextSlices is set',
    path: ['inputChannels'],
  });
export type Preprocessing = z.infer<typeof PreprocessingSchema>;

/** Channels of one input image (a slice): the network's input channels less the neighbours stacked with it. */
export function imageChannels(p: Pick<Preprocessing, 'inputChannels' | 'contextSlices'>): number {
  return p.inputChannels / (2 * p.contextSlices + 1);
}

/** Image axes a network's input can be mirrored along at inference (test-time augmentation). */
export const MIRROR_AXES = ['width', 'height'] as const;
export type MirrorAxis = (typeof MIRROR_AXES)[number];

/**
 * What is done to a predicted mask before it is served: `largest-foreground` keeps only the
 * largest connected region of all foreground classes together, `largest-per-class` the
 * largest region of each class (face connectivity in 3D, edge connectivity in 2D); the
 * voxels removed become background.
 */
export const POSTPROCESSING = ['none', 'largest-foreground', 'largest-per-class'] as const;
export type Postprocessing = (typeof POSTPROCESSING)[number];

/**
 * How a model segments beyond its forward pass, chosen when it was trained (on its
 * validation cases) and applied by every segmentation path. Bundles older than it use the
 * defaults: no mirroring, no postprocessing.
 */
export const InferenceSchema = z.object({
  /**
   * Axes the input is also mirrored along; the class probabilities of every mirrored copy,
   * mirrored back, are averaged with the original's: 2^(number of axes) forward passes.
   */
  mirror: z
    .array(z.enum(MIRROR_AXES))
    .max(MIRROR_AXES.length)
    .refine((a) => new Set(a).size === a.length, 'mirror axes must be distinct')
    .default([]),
  postprocessing: z.enum(POSTPROCESSING).default('none'),
});
export type InferenceSettings = z.infer<typeof InferenceSchema>;

/** One tensor in the weights blob. */
export const WeightSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  dtype: z.literal('float32'),
  /** Byte offset into the weights blob. */
  offset: z.number().int().min(0),
});
export type WeightSpec = z.infer<typeof WeightSpecSchema>;

/** The manifest JSON. */
export const BundleManifestSchema = z.object({
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  architecture: z.object({ key: z.enum(ARCHITECTURE_KEYS), config: z.record(z.string(), z.unknown()) }),
  genotype: GenotypeSchema.nullable(),
  preprocessing: PreprocessingSchema,
  inference: InferenceSchema.default({ mirror: [], postprocessing: 'none' }),
  weights: z.array(WeightSpecSchema),
  weightsByteLength: z.number().int().min(0),
  /** Lower-case hex SHA-256 of the weights blob. */
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Free-form provenance (training run, dataset, metrics); not interpreted. */
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** A bundle in memory: manifest plus the weights blob. */
export interface ModelBundle {
  manifest: BundleManifest;
  weights: Uint8Array;
}

/** What describes a model apart from its weights. */
export interface ModelDescription {
  architecture: { key: (typeof ARCHITECTURE_KEYS)[number]; config: Record<string, unknown> };
  genotype: BundleManifest['genotype'];
  preprocessing: z.input<typeof PreprocessingSchema>;
  inference?: z.input<typeof InferenceSchema>;
  metadata?: Record<string, unknown>;
}

/** Lower-case hex SHA-256 of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function firstIssue(err: z.ZodError, what: string): string {
  const issue = err.issues[0]!;
  return `${[what, ...issue.path.map(String)].join('.')}: ${issue.message}`;
}

/** Validates a manifest object; `ValidationError` naming the field. */
export function parseManifest(value: unknown): BundleManifest {
  const r = BundleManifestSchema.safeParse(value);
  if (!r.success) throw new ValidationError(firstIssue(r.error, 'manifest'));
  return r.data;
}

/** Serialises named weights to little-endian float32 with their table. */
export function serializeWeights(named: readonly NamedWeight[]): { specs: WeightSpec[]; bytes: Uint8Array } {
  return packWeights(
    named,
    named.map((p) => p.variable.dataSync() as Float32Array),
  );
}

/** {@link serializeWeights} with asynchronous reads (required on `webgpu`, where sync reads fail in Node). */
export async function serializeWeightsAsync(
  named: readonly NamedWeight[],
): Promise<{ specs: WeightSpec[]; bytes: Uint8Array }> {
  const values: Float32Array[] = [];
  for (const p of named) values.push((await p.variable.data()) as Float32Array);
  return packWeights(named, values);
}

function packWeights(
  named: readonly NamedWeight[],
  data: readonly Float32Array[],
): { specs: WeightSpec[]; bytes: Uint8Array } {
  const total = named.reduce((n, p) => n + p.variable.size, 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const [k, { name, variable }] of named.entries()) {
    const values = data[k]!;
    specs.push({ name, shape: [...variable.shape], dtype: 'float32', offset });
    for (let i = 0; i < values.length; i++) view.setFloat32(offset + 4 * i, values[i]!, true);
    offset += 4 * values.length;
  }
  return { specs, bytes };
}

/**
 * Assigns weights from a blob to a network's named weights. Every network tensor must be
 * in the table with the same shape (`ShapeError` naming it otherwise), the table must
 * have no tensor the network lacks and every range must lie inside the blob
 * (`IntegrityError` naming the tensor).
 */
export function loadWeightsInto(
  named: readonly NamedWeight[],
  specs: readonly WeightSpec[],
  bytes: Uint8Array,
): void {
  const byName = new Map(specs.map((s) => [s.name, s]));
  if (byName.size !== specs.length) throw new IntegrityError('weights table lists a tensor name twice');
  const own = new Set(named.map((p) => p.name));
  for (const s of specs) {
    if (!own.has(s.name))
      throw new IntegrityError(`weights table has tensor '${s.name}', which the model does not have`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const staged: Array<[NamedWeight, Float32Array]> = [];
  for (const p of named) {
    const s = byName.get(p.name);
    if (s === undefined) throw new IntegrityError(`weights table lacks tensor '${p.name}'`);
    if (s.shape.length !== p.variable.shape.length || s.shape.some((d, i) => d !== p.variable.shape[i])) {
      throw new ShapeError(
        `tensor '${p.name}': stored shape [${s.shape.join(', ')}] does not match the model's [${p.variable.shape.join(', ')}]`,
      );
    }
    const n = p.variable.size;
    if (s.offset % 4 !== 0 || s.offset + 4 * n > bytes.byteLength) {
      throw new IntegrityError(
        `tensor '${p.name}': byte range ${s.offset}..${s.offset + 4 * n} lies outside the ${bytes.byteLength}-byte weights blob`,
      );
    }
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = view.getFloat32(s.offset + 4 * i, true);
    staged.push([p, values]);
  }
  for (const [p, values] of staged) {
    tf.tidy(() => p.variable.assign(tf.tensor(values, p.variable.shape, 'float32')));
  }
}

/**
 * Packs a network and its description into a bundle. The preprocessing must agree with
 * the architecture: `inputChannels` = config `inChannels`, one class per output channel
 * (`ValidationError` otherwise).
 */
export function createModelBundle(net: NamedWeightsNet, desc: ModelDescription): ModelBundle {
  return assembleBundle(serializeWeights(net.namedWeights()), desc);
}

/** {@link createModelBundle} with asynchronous reads of the weights (use on `webgpu`). */
export async function createModelBundleAsync(
  net: NamedWeightsNet,
  desc: ModelDescription,
): Promise<ModelBundle> {
  return assembleBundle(await serializeWeightsAsync(net.namedWeights()), desc);
}

function assembleBundle(
  { specs, bytes }: { specs: WeightSpec[]; bytes: Uint8Array },
  desc: ModelDescription,
): ModelBundle {
  const manifest = parseManifest({
    formatVersion: BUNDLE_FORMAT_VERSION,
    architecture: desc.architecture,
    genotype: desc.genotype,
    preprocessing: desc.preprocessing,
    ...(desc.inference === undefined ? {} : { inference: desc.inference }),
    weights: specs,
    weightsByteLength: bytes.byteLength,
    weightsSha256: sha256Hex(bytes),
    ...(desc.metadata === undefined ? {} : { metadata: desc.metadata }),
  });
  checkConsistency(manifest);
  return { manifest, weights: bytes };
}

function checkConsistency(m: BundleManifest): void {
  const cfg = m.architecture.config;
  if (cfg['inChannels'] !== m.preprocessing.inputChannels) {
    throw new ValidationError(
      `preprocessing.inputChannels: ${m.preprocessing.inputChannels} differs from architecture.config.inChannels ${String(cfg['inChannels'])}`,
    );
  }
  if (cfg['nClasses'] !== m.preprocessing.classes.length) {
    throw new ValidationError(
      `preprocessing.classes: ${m.preprocessing.classes.length} classes listed but architecture.config.nClasses is ${String(cfg['nClasses'])}`,
    );
  }
  if (new Set(m.preprocessing.classes.map((c) => c.code)).size !== m.preprocessing.classes.length) {
    throw new ValidationError('preprocessing.classes: class codes must be unique');
  }
}

/**
 * Builds the network a bundle describes and loads its weights. Verifies the manifest
 * (`ValidationError`), the weights byte length and SHA-256 (`IntegrityError`), and every
 * tensor name and shape (`IntegrityError` / `ShapeError` naming the tensor). The caller
 * owns the returned network (call `dispose`).
 */
export function loadModelBundle(bundle: { manifest: unknown; weights: Uint8Array }): {
  net: NamedWeightsNet;
  manifest: BundleManifest;
} {
  const manifest = verifyModelBundle(bundle);
  const net = createModel(manifest.architecture.key, manifest.architecture.config, {
    ...(manifest.genotype === null ? {} : { genotype: manifest.genotype }),
  });
  try {
    loadWeightsInto(net.namedWeights(), manifest.weights, bundle.weights);
  } catch (e) {
    net.dispose();
    throw e;
  }
  return { net, manifest };
}

/**
 * The checks of {@link loadModelBundle} short of building the network: the manifest
 * (`ValidationError`), the weights byte length and SHA-256 (`IntegrityError`).
 */
export function verifyModelBundle(bundle: { manifest: unknown; weights: Uint8Array }): BundleManifest {
  const manifest = parseManifest(bundle.manifest);
  checkConsistency(manifest);
  if (bundle.weights.byteLength !== manifest.weightsByteLength) {
    throw new IntegrityError(
      `weights: ${bundle.weights.byteLength} bytes, the manifest says ${manifest.weightsByteLength}`,
    );
  }
  const digest = sha256Hex(bundle.weights);
  if (digest !== manifest.weightsSha256) {
    throw new IntegrityError(
      `weights: SHA-256 ${digest} does not match the manifest's ${manifest.weightsSha256}`,
    );
  }
  return manifest;
}
