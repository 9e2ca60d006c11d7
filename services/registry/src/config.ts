/** Start-up configuration of the registry service, read from the environment once. */
import { delimiter, isAbsolute } from 'node:path';
import { z } from 'zod';
import { ValidationError, refuseUnknownVariables } from '../../../libs/core/src/index.js';
import { MAX_MESSAGE_BYTES } from '../../../libs/rpc/src/index.js';
import { BaseEnvSchema, ServerSecurityEnvFields } from '../../common/src/env.js';

const int = (min: number) => z.coerce.number().int().min(min);

/** The environment variables the registry reads, with defaults. */
export const RegistryConfigSchema = z.object({
  /** Bind host (`REGISTRY_HOST` is accepted as another name). */
  NASUNET_HOST: z.string().min(1).default('127.0.0.1'),
  /** gRPC port (`REGISTRY_PORT` is accepted as another name); 0 is not allowed (clients must know it). */
  NASUNET_PORT: int(1).max(65535).default(50051),
  /** Root of the embedded data: registry.db and artifacts/ live under `<dir>/registry`. */
  NASUNET_DATA_DIR: z.string().min(1).default('./.nasunet'),
  /**
   * Server folders `file://` datasets may name, separated by ':' (absolute paths); empty:
   * none (clients upload their files). The registry's own data is never readable this way.
   */
  NASUNET_DATASET_ROOTS: z
    .string()
    .default('')
    .transform((v) => v.split(delimiter).filter((p) => p !== ''))
    .refine((roots) => roots.every((p) => isAbsolute(p)), 'every root must be an absolute path'),
  /** Compute backend on which uploaded model bundles are test-loaded. */
  NASUNET_BACKEND: BaseEnvSchema.shape.NASUNET_BACKEND,
  /** Largest model upload in bytes. */
  REGISTRY_MAX_MODEL_BYTES: int(1).default(512 * 1024 * 1024),
  /** Largest dataset upload in bytes. */
  REGISTRY_MAX_DATASET_BYTES: int(1).default(4 * 1024 * 1024 * 1024),
  /** Largest alpha history JSON in bytes. */
  REGISTRY_MAX_ALPHA_HISTORY_BYTES: int(1).default(8 * 1024 * 1024),
  /** Largest single gRPC message in bytes (chunks are 1 MiB). */
  GRPC_MAX_MESSAGE_BYTES: int(1024 * 1024).default(MAX_MESSAGE_BYTES),
  ...ServerSecurityEnvFields,
});

/** Validated configuration. */
export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;

/** Parses the environment; throws `ValidationError` naming every bad variable. */
export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  refuseUnknownVariables(env);
  const r = RegistryConfigSchema.safeParse({
    ...env,
    NASUNET_HOST: env.NASUNET_HOST ?? env.REGISTRY_HOST,
    NASUNET_PORT: env.NASUNET_PORT ?? env.REGISTRY_PORT,
  });
  if (!r.success) {
    throw new ValidationError(
      'invalid registry configuration: ' +
        r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  return r.data;
}
