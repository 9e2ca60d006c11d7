/**
 * The compute of one segmentation request, as the segmentation worker runs it: decode the
 * input (PNG, raw pixels, NIfTI, stacked slices, a DICOM series), segment it
 * ({@link segmentVolume}) and encode the mask (PNG, raw, gzipped NIfTI, DICOM SEG). Inputs
 * arrive as plain data (byte arrays, volumes); the service thread validates the request's
 * framing, resolves the model and sends a {@link SegmentJob}.
 */
import { gzipSync } from 'node:zlib';
import { NotFoundError, ResourceLimitError } from '../../../libs/core/src/index.js';
import { encodeNifti, encodePngGray, volumeLike, type Volume } from '../../../libs/data/src/index.js';
import {
  readDicomSeries,
  uidTag,
  writeSeriesSegmentation,
  type DicomInput,
  type SeriesSegmentation,
} from '../../../libs/dicom/src/index.js';
import { imageChannels } from '../../../libs/nas/src/index.js';
import type { ClassVolume, RawImage__Output } from '../../../libs/rpc/src/index.js';
import {
  decodeNiftiVolume,
  decodePngImage,
  decodeRawImage,
  stackSlices,
  type InputLimits,
} from './image-input.js';
import type { Stage } from './segmentation-stages.js';
import { segmentVolume, type SegmentingModel } from './segmenter.js';

/** A 2D image: raw pixels or PNG bytes, the mask as PNG or raw bytes. */
export interface ImageJob {
  kind: 'image';
  raw?: RawImage__Output;
  png?: Uint8Array;
  spacing: [number, number, number];
  pngMask: boolean;
}

/** A volume: NIfTI bytes (in the chunks they arrived in), or slices already decoded (in arrival order). */
export interface VolumeJob {
  kind: 'volume';
  nifti?: Uint8Array[];
  slices?: Volume[];
  /** The header's spacing (0 = unknown). */
  spacing: [number, number, number];
  /** The mask as gzipped NIfTI (else raw bytes). */
  niftiMask: boolean;
}

/** A DICOM series, the SEG written for it. */
export interface DicomJob {
  kind: 'dicom';
  instances: DicomInput[];
  /** The series the instances must belong to (SegmentStudy). */
  expected?: { studyInstanceUid: string; seriesInstanceUid: string };
  /** Name and version of the model, written into the SEG. */
  modelName: string;
}

export type SegmentJob = ImageJob | VolumeJob | DicomJob;

/** What {@link runSegmentJob} answers for an image or a volume. */
export interface MaskResult {
  kind: 'mask';
  /** The encoded mask. */
  data: Uint8Array;
  shape: [number, number, number];
  spacing: [number, number, number];
  classVolumes: ClassVolume[];
}

/** What {@link runSegmentJob} answers for a DICOM series. */
export interface SegResult {
  kind: 'seg';
  seg: SeriesSegmentation;
  sourceInstances: number;
}

export type SegmentResult = MaskResult | SegResult;

/** What a job of type `J` is answered with: a SEG for a DICOM series, else a mask. */
export type ResultOf<J extends SegmentJob> = J extends DicomJob ? SegResult : MaskResult;

/** How a job runs: limits, the liveness check between forward passes, the stages. */
export interface JobContext {
  limits: InputLimits;
  checkAlive: () => void;
  stage: Stage;
}

/** Bytes that crossed a thread boundary as a Uint8Array, as a Buffer again (no copy). */
export const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Decodes, segments and encodes `job` with `model`; see the module doc. */
export async function runSegmentJob(
  job: SegmentJob,
  model: SegmentingModel,
  ctx: JobContext,
): Promise<SegmentResult> {
  const guard = { maxWorkVoxels: ctx.limits.maxVolumeVoxels, checkAlive: ctx.checkAlive, stage: ctx.stage };
  if (job.kind === 'image') {
    const image = await ctx.stage('inference.decode', { 'nasunet.input': job.raw ? 'raw' : 'png' }, () =>
      job.raw
        ? decodeRawImage(
            { ...job.raw, data: asBuffer(job.raw.data) },
            'image.raw',
            ctx.limits,
            imageChannels(model.manifest.preprocessing),
          )
        : decodePngImage(asBuffer(job.png ?? new Uint8Array(0)), 'image.png', ctx.limits),
    );
    ctx.checkAlive();
    const seg = await segmentVolume(model, image, { sliceAxis: 2, spacingMm: job.spacing, ...guard });
    ctx.checkAlive();
    const [w, h] = seg.shape;
    const data = await ctx.stage(
      'inference.encode',
      { 'nasunet.encoding': job.pngMask ? 'MASK_ENCODING_PNG' : 'MASK_ENCODING_RAW_UINT8' },
      () => (job.pngMask ? encodePngGray(seg.mask, w, h) : seg.mask),
    );
    return { kind: 'mask', data, shape: seg.shape, spacing: job.spacing, classVolumes: seg.classVolumes };
  }
  if (job.kind === 'volume') {
    const volume = await ctx.stage(
      'inference.decode',
      { 'nasunet.input': job.nifti ? 'nifti' : 'slices' },
      () =>
        job.nifti
          ? decodeNiftiVolume(Buffer.concat(job.nifti), 'volume', ctx.limits)
          : stackSlices(
              job.slices ?? [],
              'slices',
              ctx.limits,
              job.spacing.map((v) => v || 1) as [number, number, number],
            ),
    );
    ctx.checkAlive();
    const spacing = job.nifti ? volume.spacingMm : job.spacing;
    const seg = await segmentVolume(model, volume, { spacingMm: spacing, ...guard });
    ctx.checkAlive();
    const encoding = job.niftiMask ? 'MASK_ENCODING_NIFTI_GZ' : 'MASK_ENCODING_RAW_UINT8';
    const data = await ctx.stage('inference.encode', { 'nasunet.encoding': encoding }, () =>
      job.niftiMask
        ? gzipSync(encodeNifti(volumeLike(volume, Float32Array.from(seg.mask)), 'uint8'))
        : seg.mask,
    );
    return { kind: 'mask', data, shape: seg.shape, spacing, classVolumes: seg.classVolumes };
  }
  const series = await ctx.stage(
    'inference.decode',
    { 'nasunet.input': 'dicom', 'nasunet.instances': job.instances.length },
    () => readDicomSeries(job.instances),
  );
  const expected = job.expected;
  if (
    expected &&
    (series.seriesInstanceUid !== expected.seriesInstanceUid ||
      series.studyInstanceUid !== expected.studyInstanceUid)
  ) {
    throw new NotFoundError(
      `the PACS answered series ${uidTag(expected.seriesInstanceUid)} with instances of another series`,
    );
  }
  const [X, Y, Z] = series.volume.shape;
  if (X * Y * Z > ctx.limits.maxVolumeVoxels) {
    throw new ResourceLimitError(
      `series: ${X}x${Y}x${Z} voxels exceeds the limit of ${ctx.limits.maxVolumeVoxels}`,
    );
  }
  ctx.checkAlive();
  const result = await segmentVolume(model, series.volume, { spacingMm: series.volume.spacingMm, ...guard });
  ctx.checkAlive();
  const seg = await ctx.stage('inference.encode', { 'nasunet.encoding': 'dicom-seg' }, () =>
    writeSeriesSegmentation(series, result.mask, model.manifest.preprocessing.classes, {
      name: job.modelName,
      version: String(model.version),
      weightsDigest: model.weightsDigest,
      genotype: model.manifest.genotype,
    }),
  );
  return { kind: 'seg', seg, sourceInstances: Z };
}
