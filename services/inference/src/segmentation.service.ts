/**
 * Segment and SegmentVolume: validate, resolve the model (cache), decode, segment, encode.
 * Stages are spans (decode, preprocess, model, encode); deadlines are checked between
 * stages so that work stops once the client has given up.
 */
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { gzipSync } from 'node:zlib';
import { CancelledError, ResourceLimitError, ValidationError } from '../../../libs/core/src/index.js';
import { encodeNifti, encodePngGray, volumeLike, type Volume } from '../../../libs/data/src/index.js';
import {
  splitChunks,
  type SegmentRequest__Output,
  type SegmentResponse,
  type SegmentVolumeRequest__Output,
  type SegmentVolumeResponse,
  type ModelRef,
  type Spacing__Output,
} from '../../../libs/rpc/src/index.js';
import { validateModelRef } from '../../common/src/model-loader.js';
import { RegistryGateway, type ParentCall } from '../../common/src/registry-gateway.js';
import { registryClientConfig } from '../../common/src/security.js';
import { withSpan } from '../../../libs/telemetry/src/index.js';
import { imageChannels } from '../../../libs/nas/src/index.js';
import { INFERENCE_CONFIG, type InferenceConfig } from './config.js';
import {
  decodeNiftiVolume,
  decodePngImage,
  decodeRawImage,
  stackSlices,
  type InputLimits,
} from './image-input.js';
import { ModelCache, type ServedModel } from './model-cache.js';
import { segmentVolume } from './segmenter.js';
import { WorkQueue } from './work-queue.js';
import { segmentationHealth } from './inference.options.js';

/** The inbound call: its deadline and whether the client went away. */
export type ServedCall = ParentCall & { cancelled?: boolean };

/** Throws CancelledError once the client of `call` has cancelled or its deadline has passed. */
export function checkAlive(call: ServedCall | undefined): void {
  if (!call) return;
  if (call.cancelled) throw new CancelledError('the client cancelled the request');
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  if (Number.isFinite(ms) && ms > 0 && Date.now() > ms)
    throw new CancelledError('the request deadline has passed');
}

/** Largest voxel spacing accepted, mm. */
const MAX_SPACING_MM = 10_000;

function spacingOf(s: Spacing__Output | null | undefined): [number, number, number] {
  const v: [number, number, number] = [s?.xMm ?? 0, s?.yMm ?? 0, s?.zMm ?? 0];
  if (v.some((x) => !Number.isFinite(x) || x < 0 || x > MAX_SPACING_MM))
    throw new ValidationError(
      `spacing: values must be finite, >= 0 (0 = unknown) and at most ${MAX_SPACING_MM} mm`,
    );
  return v;
}

@Injectable()
export class SegmentationRunner implements OnModuleInit, OnModuleDestroy {
  private registry!: RegistryGateway;
  private cache!: ModelCache;
  private readonly limits: InputLimits;
  private readonly queue: WorkQueue;

  constructor(@Inject(INFERENCE_CONFIG) private readonly config: InferenceConfig) {
    this.queue = new WorkQueue(config.NASUNET_INFERENCE_CONCURRENCY, config.NASUNET_INFERENCE_QUEUE);
    this.limits = {
      maxImagePixels: config.NASUNET_MAX_IMAGE_PIXELS,
      maxVolumeVoxels: config.NASUNET_MAX_VOLUME_VOXELS,
      maxInputBytes: config.NASUNET_MAX_INPUT_BYTES,
    };
  }

  onModuleInit(): void {
    this.registry = new RegistryGateway(this.config.NASUNET_REGISTRY_ADDR, registryClientConfig(this.config));
    this.cache = new ModelCache(this.registry, this.config.NASUNET_MODEL_CACHE_SIZE, {
      choice: this.config.NASUNET_INFERENCE_RUNTIME,
      threads: this.config.NASUNET_INFERENCE_THREADS,
    });
    segmentationHealth.setServing(true);
  }

  onModuleDestroy(): void {
    segmentationHealth.setServing(false);
    this.cache?.clear();
    this.registry?.close();
  }

  /** The work limit and the liveness check of a call, for {@link segmentVolume}. */
  guard(call: ServedCall | undefined) {
    return { maxWorkVoxels: this.limits.maxVolumeVoxels, checkAlive: () => checkAlive(call) };
  }

  /** The model version `ref` names (through the cache), for the other handlers of this service. */
  model(ref: ModelRef, call?: ServedCall): Promise<ServedModel> {
    return this.cache.get(ref, call);
  }

  /** Runs `work` in its turn of the work queue (RESOURCE_EXHAUSTED when the queue is full). */
  inTurn<T>(work: () => Promise<T>, call?: ServedCall): Promise<T> {
    return this.queue.run(work, () => checkAlive(call));
  }

  /** Segments one 2D image. */
  async segment(req: SegmentRequest__Output, call?: ServedCall): Promise<SegmentResponse> {
    const started = performance.now();
    checkAlive(call);
    const ref = validateModelRef(req.model);
    if (req.image !== 'raw' && req.image !== 'png')
      throw new ValidationError('image: exactly one of raw or png is required');
    const encoding = String(req.maskEncoding || 'MASK_ENCODING_UNSPECIFIED');
    if (!['MASK_ENCODING_UNSPECIFIED', 'MASK_ENCODING_RAW_UINT8', 'MASK_ENCODING_PNG'].includes(encoding)) {
      throw new ValidationError(
        `mask_encoding: ${encoding} is not available for 2D images (use RAW_UINT8 or PNG)`,
      );
    }
    const spacing = spacingOf(req.spacing);
    // Cheap validation of the input's size before the model is resolved.
    if (req.image === 'png') decodePngHeaderOnly(req.png, this.limits);
    const model = await this.cache.get(ref, call);
    const { seg, data } = await this.queue.run(
      async () => {
        const image = await withSpan('inference.decode', { 'nasunet.input': req.image }, () =>
          req.image === 'raw'
            ? decodeRawImage(req.raw!, 'image.raw', this.limits, imageChannels(model.manifest.preprocessing))
            : decodePngImage(req.png!, 'image.png', this.limits),
        );
        checkAlive(call);
        const seg = await segmentVolume(model, image, {
          sliceAxis: 2,
          spacingMm: spacing,
          ...this.guard(call),
        });
        checkAlive(call);
        const [w, h] = seg.shape;
        const data = await withSpan('inference.encode', { 'nasunet.encoding': encoding }, () =>
          encoding === 'MASK_ENCODING_PNG' ? encodePngGray(seg.mask, w, h) : Buffer.from(seg.mask),
        );
        return { seg, data };
      },
      () => checkAlive(call),
    );
    const [w, h] = seg.shape;
    return {
      model: model.resolved,
      mask: {
        height: h,
        width: w,
        encoding: encoding === 'MASK_ENCODING_PNG' ? 'MASK_ENCODING_PNG' : 'MASK_ENCODING_RAW_UINT8',
        data,
      },
      classVolumes: seg.classVolumes,
      latencyMs: performance.now() - started,
    };
  }

  /** Segments one volume sent as a header and NIfTI chunks or slices. */
  async *segmentVolume(
    requests: AsyncIterable<SegmentVolumeRequest__Output>,
    call?: ServedCall,
  ): AsyncIterable<SegmentVolumeResponse> {
    const started = performance.now();
    let header: SegmentVolumeRequest__Output['header'] | undefined;
    const chunks: Buffer[] = [];
    let bytes = 0;
    const rawSlices: Volume[] = [];
    let model: Awaited<ReturnType<ModelCache['get']>> | undefined;
    for await (const msg of requests) {
      if (!header) {
        if (msg.part !== 'header' || !msg.header)
          throw new ValidationError('header: must be the first message');
        header = msg.header;
        const fmt = String(header.format);
        if (fmt !== 'VOLUME_INPUT_FORMAT_NIFTI' && fmt !== 'VOLUME_INPUT_FORMAT_SLICES') {
          throw new ValidationError('header.format: must be NIFTI or SLICES');
        }
        model = await this.cache.get(validateModelRef(header.model, 'header.model'), call);
        continue;
      }
      if (msg.part === 'header') throw new ValidationError('header: only the first message may be a header');
      if (msg.part === 'niftiChunk') {
        if (String(header.format) !== 'VOLUME_INPUT_FORMAT_NIFTI')
          throw new ValidationError('nifti_chunk: the header announced slices');
        bytes += msg.niftiChunk!.length;
        if (bytes > this.limits.maxInputBytes)
          throw new ResourceLimitError(`volume: more than ${this.limits.maxInputBytes} bytes`);
        chunks.push(msg.niftiChunk!);
      } else if (msg.part === 'slice') {
        if (String(header.format) !== 'VOLUME_INPUT_FORMAT_SLICES')
          throw new ValidationError('slice: the header announced NIfTI bytes');
        rawSlices.push(
          decodeRawImage(
            msg.slice!,
            `slice[${rawSlices.length}]`,
            this.limits,
            imageChannels(model!.manifest.preprocessing),
          ),
        );
      }
    }
    if (!header || !model) throw new ValidationError('header: no messages were sent');
    const isNifti = String(header.format) === 'VOLUME_INPUT_FORMAT_NIFTI';
    const encoding = String(header.maskEncoding || 'MASK_ENCODING_RAW_UINT8');
    if (encoding === 'MASK_ENCODING_PNG' || (encoding === 'MASK_ENCODING_NIFTI_GZ' && !isNifti)) {
      throw new ValidationError(`header.mask_encoding: ${encoding} is not available for this input`);
    }
    const { seg, out, spacing } = await this.queue.run(
      () => this.segmentReceived(model!, header!, isNifti, encoding, chunks, rawSlices, call),
      () => checkAlive(call),
    );
    yield {
      summary: {
        model: model.resolved,
        width: seg.shape[0],
        height: seg.shape[1],
        depth: seg.shape[2],
        spacing: { xMm: spacing[0], yMm: spacing[1], zMm: spacing[2] },
        classVolumes: seg.classVolumes,
        encoding:
          encoding === 'MASK_ENCODING_NIFTI_GZ' ? 'MASK_ENCODING_NIFTI_GZ' : 'MASK_ENCODING_RAW_UINT8',
        maskSizeBytes: String(out.length),
        latencyMs: performance.now() - started,
      },
    };
    for (const chunk of splitChunks(out)) yield { maskChunk: Buffer.from(chunk) };
  }

  /** Decodes, segments and encodes a volume whose messages have all arrived. */
  private async segmentReceived(
    model: Awaited<ReturnType<ModelCache['get']>>,
    header: NonNullable<SegmentVolumeRequest__Output['header']>,
    isNifti: boolean,
    encoding: string,
    chunks: Buffer[],
    rawSlices: Volume[],
    call: ServedCall | undefined,
  ) {
    const volume = await withSpan(
      'inference.decode',
      { 'nasunet.input': isNifti ? 'nifti' : 'slices' },
      () =>
        isNifti
          ? decodeNiftiVolume(Buffer.concat(chunks), 'volume', this.limits)
          : stackSlices(
              rawSlices,
              'slices',
              this.limits,
              spacingOf(header.spacing).map((v) => v || 1) as [number, number, number],
            ),
    );
    checkAlive(call);
    const spacing: [number, number, number] = isNifti ? volume.spacingMm : spacingOf(header.spacing);
    const seg = await segmentVolume(model, volume, { spacingMm: spacing, ...this.guard(call) });
    checkAlive(call);
    const out = await withSpan('inference.encode', { 'nasunet.encoding': encoding }, () => {
      if (encoding !== 'MASK_ENCODING_NIFTI_GZ') return Buffer.from(seg.mask);
      return Buffer.from(gzipSync(encodeNifti(volumeLike(volume, Float32Array.from(seg.mask)), 'uint8')));
    });
    return { seg, out, spacing };
  }
}

/** Refuses a PNG whose declared size is over the limit before anything else happens. */
function decodePngHeaderOnly(png: Buffer | undefined, limits: InputLimits): void {
  if (!png || png.length < 24 || png.toString('ascii', 12, 16) !== 'IHDR') return;
  const pixels = png.readUInt32BE(16) * png.readUInt32BE(20);
  if (pixels > limits.maxImagePixels) {
    decodePngImage(png, 'image.png', limits);
  }
}
