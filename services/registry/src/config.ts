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
  /**
   * Root of the registry's data under `<dir>/registry`: artifacts/ always, registry.db with
   * the SQLite store. With PostgreSQL it must be storage every replica mounts (ReadWriteMany).
   */
  NASUNET_DATA_DIR: z.string().min(1).default('./.nasunet'),
  /** Metadata store: `sqlite` (embedded, one process) or `postgres` (replicas on one database). */
  NASUNET_STORE: z.enum(['sqlite', 'postgres']).default('sqlite'),
  /**
   * PostgreSQL connection URL (`postgres://user:password@host:5432/database?sslmode=...`),
   * read with NASUNET_STORE=postgres only; without a password in it, PGPASSWORD is used.
   * The password is never logged nor echoed in errors.
   */
  NASUNET_DATABASE_URL: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      const problem = databaseUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
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

/** What is wrong with a PostgreSQL URL, in words that never repeat it; undefined when fine. */
function databaseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL of the form postgres://user:password@host:port/database';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return 'must start with postgres:// or postgresql://';
  if (url.hostname === '') return 'must name the server host';
  if (url.pathname.length <= 1) return 'must name the database (postgres://host:port/database)';
  return undefined;
}

/**
 * Where a PostgreSQL URL points (`host:port/database`), without user or password: what the
 * logs may say about it.
 */
export function describeDatabaseUrl(value: string): string {
  const url = new URL(value);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

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
  const issues = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (r.success && r.data.NASUNET_STORE === 'postgres' && r.data.NASUNET_DATABASE_URL === undefined)
    issues.push('NASUNET_DATABASE_URL: required with NASUNET_STORE=postgres');
  if (r.success && r.data.NASUNET_STORE === 'sqlite' && r.data.NASUNET_DATABASE_URL !== undefined)
    issues.push(
      'NASUNET_DATABASE_URL: only read with NASUNET_STORE=postgres (unset it, or set NASUNET_STORE)',
    );
  if (!r.success || issues.length > 0)
    throw new ValidationError(`invalid registry configuration: ${issues.join('; ')}`);
  return r.data;
}
