/** Configuration of the inference service, read from the environment once at start-up. */
import { z } from 'zod';
import {
  BaseEnvSchema,
  InferenceRuntimeEnvFields,
  RegistryClientEnvFields,
  addressField,
  parseEnv,
  portField,
} from '../../common/src/env.js';
import { DicomEnvFields } from './dicom-config.js';

/** Environment schema of the inference service. */
export const InferenceConfigSchema = BaseEnvSchema.extend({
  /** Port of SegmentationService. */
  NASUNET_PORT: portField(50054),
  /** Registry address (`host:port`). */
  NASUNET_REGISTRY_ADDR: addressField('127.0.0.1:50051'),
  ...RegistryClientEnvFields,
  /** Largest accepted 2D image in pixels (height * width); default 4096 * 4096. */
  NASUNET_MAX_IMAGE_PIXELS: z.coerce
    .number()
    .int()
    .positive()
    .default(4096 * 4096),
  /** Largest accepted volume in voxels; default 512 * 512 * 512. */
  NASUNET_MAX_VOLUME_VOXELS: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 512 * 512),
  /** Largest accepted encoded input (PNG or NIfTI) in bytes; default 256 MiB. */
  NASUNET_MAX_INPUT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** Model versions kept loaded. */
  NASUNET_MODEL_CACHE_SIZE: z.coerce.number().int().min(1).max(64).default(4),
  /** Segmentations computed at the same time. */
  NASUNET_INFERENCE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Segmentation requests that may wait for a turn; one more gets RESOURCE_EXHAUSTED. */
  NASUNET_INFERENCE_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  /**
   * A segmentation worker whose JavaScript heap and buffers (wasm memory included) exceed
   * this many MiB after a request is stopped, returning that memory; the next request
   * starts a fresh one.
   */
  NASUNET_INFERENCE_WORKER_MAX_MB: z.coerce.number().int().min(16).max(1_048_576).default(192),
  ...DicomEnvFields,
  ...InferenceRuntimeEnvFields,
});

/** Validated configuration of the inference service. */
export type InferenceConfig = z.infer<typeof InferenceConfigSchema>;

/** Reads and validates the configuration. */
export function loadInferenceConfig(env: NodeJS.ProcessEnv = process.env): InferenceConfig {
  return parseEnv(InferenceConfigSchema, env);
}

/** DI token of the configuration. */
export const INFERENCE_CONFIG = Symbol('INFERENCE_CONFIG');
