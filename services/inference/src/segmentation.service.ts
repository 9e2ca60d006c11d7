/**
 * Segment and SegmentVolume: validate, resolve the model (cache), then decode, segment and
 * encode in a segmentation worker (segmentation-pool.ts), so that this thread stays free
 * for health checks and other calls. Stages are spans (decode, preprocess, model, encode);
 * deadlines and cancellation are checked between stages and forward passes so that work
 * stops once the client has given up.
 */
import { availableParallelism } from 'node:os';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ResourceLimitError, ValidationError, movableBuffers } from '../../../libs/core/src/index.js';
import type { Volume } from '../../../libs/data/src/index.js';
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
import { RegistryGateway } from '../../common/src/registry-gateway.js';
import { checkAlive, type ServedCall } from '../../common/src/call-liveness.js';
import { registryClientConfig } from '../../common/src/security.js';
import { imageChannels } from '../../../libs/nas/src/index.js';
import { tf } from '../../../libs/tensor/src/index.js';
import { INFERENCE_CONFIG, type InferenceConfig } from './config.js';
import { decodePngImage, decodeRawImage, type InputLimits } from './image-input.js';
import { ModelCache, type ServedModel } from './model-cache.js';
import { SegmentationPool, onnxThreadsPerWorker } from './segmentation-pool.js';
import { asBuffer, type ResultOf, type SegmentJob, type VolumeJob } from './segmentation-work.js';
import { WorkQueue } from './work-queue.js';
import { segmentationHealth } from './inference.options.js';

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
  private pool!: SegmentationPool;
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
    this.cache = new ModelCache(this.registry, this.config.NASUNET_MODEL_CACHE_SIZE);
    this.pool = new SegmentationPool({
      workers: this.config.NASUNET_INFERENCE_CONCURRENCY,
      backend: tf.getBackend(),
      runtime: this.config.NASUNET_INFERENCE_RUNTIME,
      threads: onnxThreadsPerWorker(
        this.config.NASUNET_INFERENCE_THREADS,
        this.config.NASUNET_INFERENCE_CONCURRENCY,
        availableParallelism(),
      ),
      modelCapacity: this.config.NASUNET_MODEL_CACHE_SIZE,
      limits: this.limits,
      maxWorkerBytes: this.config.NASUNET_INFERENCE_WORKER_MAX_MB * 1024 * 1024,
    });
    segmentationHealth.setServing(true);
  }

  async onModuleDestroy(): Promise<void> {
    segmentationHealth.setServing(false);
    this.cache?.clear();
    this.registry?.close();
    await this.pool?.close();
  }

  /** The model version `ref` names (through the cache), for the other handlers of this service. */
  model(ref: ModelRef, call?: ServedCall): Promise<ServedModel> {
    return this.cache.get(ref, call);
  }

  /**
   * Computes `job` with `model` in a segmentation worker, in its turn of the work queue
   * (RESOURCE_EXHAUSTED when the queue is full); `moved` input bytes go to the worker.
   */
  async compute<J extends SegmentJob>(
    job: J,
    model: ServedModel,
    call: ServedCall | undefined,
    moved: ArrayBufferView[] = [],
  ): Promise<ResultOf<J>> {
    const alive = () => checkAlive(call);
    const result = await this.queue.run(
      () =>
        this.pool.run(
          job,
          { digest: model.resolved.weightsDigest ?? '', version: model.record.version, bundle: model.bundle },
          alive,
          moved,
        ),
      alive,
    );
    if (result.kind !== (job.kind === 'dicom' ? 'seg' : 'mask')) {
      throw new Error(`a segmentation worker answered a ${result.kind} for a ${job.kind} job`);
    }
    return result as ResultOf<J>;
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
    const result = await this.compute(
      {
        kind: 'image',
        ...(req.image === 'raw' ? { raw: req.raw! } : { png: req.png! }),
        spacing,
        pngMask: encoding === 'MASK_ENCODING_PNG',
      },
      model,
      call,
    );
    const [w, h] = result.shape;
    return {
      model: model.resolved,
      mask: {
        height: h,
        width: w,
        encoding: encoding === 'MASK_ENCODING_PNG' ? 'MASK_ENCODING_PNG' : 'MASK_ENCODING_RAW_UINT8',
        data: asBuffer(result.data),
      },
      classVolumes: result.classVolumes,
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
    let model: ServedModel | undefined;
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
        // A chunk that owns its memory moves to the worker without a copy; others are
        // copied now, one message at a time, rather than all at once at the end.
        const chunk = msg.niftiChunk!;
        chunks.push(movableBuffers([chunk]).length > 0 ? chunk : Buffer.from(chunk));
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
    const job: VolumeJob = {
      kind: 'volume',
      ...(isNifti ? { nifti: chunks } : { slices: rawSlices }),
      spacing: spacingOf(header.spacing),
      niftiMask: encoding === 'MASK_ENCODING_NIFTI_GZ',
    };
    const moved = isNifti ? chunks : rawSlices.map((v) => v.data);
    const { shape, spacing, classVolumes, data } = await this.compute(job, model, call, moved);
    const out = asBuffer(data);
    yield {
      summary: {
        model: model.resolved,
        width: shape[0],
        height: shape[1],
        depth: shape[2],
        spacing: { xMm: spacing[0], yMm: spacing[1], zMm: spacing[2] },
        classVolumes,
        encoding:
          encoding === 'MASK_ENCODING_NIFTI_GZ' ? 'MASK_ENCODING_NIFTI_GZ' : 'MASK_ENCODING_RAW_UINT8',
        maskSizeBytes: String(out.length),
        latencyMs: performance.now() - started,
      },
    };
    for (const chunk of splitChunks(out)) yield { maskChunk: Buffer.from(chunk) };
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
