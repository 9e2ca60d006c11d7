/**
 * Environment configuration shared by the services: one zod schema per service, built from
 * these base fields, validated once at start-up.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { RUNTIME_CHOICES } from '../../../libs/onnx/src/runtime-choice.js';
import { ValidationError, refuseUnknownVariables } from '../../../libs/core/src/index.js';

const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** An optional path to a file (PEM, tokens). */
const optionalFile = () => z.string().min(1).optional();

/**
 * How every server admits callers (README "Securing the services"). Without them a service
 * serves plaintext to anyone, which it does only on a loopback address unless
 * NASUNET_INSECURE_DEV says this is a development setup.
 */
export const ServerSecurityEnvFields = {
  /** Server certificate chain (PEM); with NASUNET_TLS_KEY the port serves TLS only. */
  NASUNET_TLS_CERT: optionalFile(),
  /** Private key of NASUNET_TLS_CERT (PEM). */
  NASUNET_TLS_KEY: optionalFile(),
  /** CA (PEM) that must have signed every client's certificate (mTLS); needs NASUNET_TLS_CERT. */
  NASUNET_TLS_CLIENT_CA: optionalFile(),
  /** Accepted tokens (JSON: name, sha256 of the token, scopes); every call then needs one. */
  NASUNET_TOKENS_FILE: optionalFile(),
  /** Allow a non-loopback NASUNET_HOST without TLS and tokens: a development setup only. */
  NASUNET_INSECURE_DEV: boolFromEnv.default(false),
  /**
   * Port that serves `grpc.health.v1.Health` alone, in plaintext, on NASUNET_HOST, for the
   * kubelet's native gRPC probe (which speaks no TLS); unset = none. It tells only whether the
   * service is serving, so it needs neither TLS nor tokens.
   */
  NASUNET_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
};

/** How a service calls the registry: over TLS when NASUNET_TLS_CA is set, with its own token. */
export const RegistryClientEnvFields = {
  /** CA (PEM) that signed the registry's certificate; set = TLS to the registry. */
  NASUNET_TLS_CA: optionalFile(),
  /** File holding this service's token for the registry (scopes registry:read, registry:write). */
  NASUNET_SERVICE_TOKEN_FILE: optionalFile(),
};

/** What computes the forward passes of segmentation (inference) and evaluation (training). */
export const InferenceRuntimeEnvFields = {
  /**
   * `onnx` (ONNX Runtime on CPU, the model exported at load), `tfjs` (the NASUNET_BACKEND
   * engine) or `auto` (ONNX Runtime on the wasm and cpu backends, where it is faster; tfjs
   * otherwise).
   */
  NASUNET_INFERENCE_RUNTIME: z.enum(RUNTIME_CHOICES).default('auto'),
  /** ONNX Runtime threads per forward pass; 0 = one per core. */
  NASUNET_INFERENCE_THREADS: z.coerce.number().int().min(0).max(256).default(0),
};

/** Fields every service reads. */
export const BaseEnvSchema = z.object({
  /** Interface to bind; 127.0.0.1 locally, 0.0.0.0 in a pod. */
  NASUNET_HOST: z.string().min(1).default('127.0.0.1'),
  /** Folder of the embedded stores; each service uses a subfolder named after itself. */
  NASUNET_DATA_DIR: z
    .string()
    .min(1)
    .default('./.nasunet')
    .transform((p) => resolve(p)),
  /** Compute backend of tfjs (`auto`: the fastest available, see COMPUTE-BACKENDS.md). */
  NASUNET_BACKEND: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
  /** Log level. */
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  ...ServerSecurityEnvFields,
});

/** A TCP port field with a default. */
export function portField(defaultPort: number) {
  return z.coerce.number().int().min(0).max(65535).default(defaultPort);
}

/** A `host:port` address field with a default. */
export function addressField(defaultAddress: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'must be host:port')
    .default(defaultAddress);
}

/** A boolean field read from "true"/"false"/"1"/"0"/"yes"/"no". */
export function boolField(defaultValue: boolean) {
  return boolFromEnv.default(defaultValue);
}

/**
 * Fields every job service (search, training) reads on top of {@link BaseEnvSchema}: the
 * registry, resuming at start-up, the checkpoint cadence and what is kept on disk
 * (checkpoints of failed jobs, fetched datasets). Each service extends it with its port,
 * memory limit and concurrency.
 */
export const JobServiceEnvSchema = BaseEnvSchema.extend({
  /** Registry address (`host:port`). */
  NASUNET_REGISTRY_ADDR: addressField('127.0.0.1:50051'),
  ...RegistryClientEnvFields,
  /** Resume interrupted jobs at start-up. */
  NASUNET_RESUME_ON_START: boolField(true),
  /** Seconds between mid-epoch checkpoints. */
  NASUNET_CHECKPOINT_INTERVAL_S: z.coerce.number().positive().default(30),
  /** Also checkpoint every N steps (0 = off). */
  NASUNET_CHECKPOINT_EVERY_STEPS: z.coerce.number().int().min(0).default(0),
  /** Jobs that may wait in the queue; one more is refused with RESOURCE_EXHAUSTED. */
  NASUNET_MAX_QUEUED_JOBS: z.coerce.number().int().min(1).max(10_000).default(32),
  /**
   * Seconds a failed job's checkpoint is kept, for inspection; default 7 days. Done and
   * cancelled jobs' checkpoints are removed when they end, interrupted jobs keep theirs.
   */
  NASUNET_FAILED_CHECKPOINT_RETENTION_S: z.coerce
    .number()
    .min(0)
    .default(7 * 24 * 3600),
  /**
   * Largest total size in bytes of the datasets kept after a job fetched them from the
   * registry; beyond it the least recently used go, never one in use. Default 16 GiB.
   */
  NASUNET_DATASET_CACHE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 ** 3),
  /**
   * Folder of the fetched datasets; default `<NASUNET_DATA_DIR>/<service>/datasets`. Each
   * process needs its own (a node-local volume) when several share NASUNET_DATA_DIR.
   */
  NASUNET_DATASET_CACHE_DIR: z
    .string()
    .min(1)
    .transform((p) => resolve(p))
    .optional(),
  /**
   * Folder of decoded volumes kept between loads of the same dataset files (libs/data reads
   * it); `off` or empty: none. Default `$XDG_CACHE_HOME/nasunet/decoded` or
   * `~/.cache/nasunet/decoded`; safe to share between processes and to delete at any time.
   */
  NASUNET_DECODED_CACHE_DIR: z.string().optional(),
  /**
   * Job queue: `sqlite` (embedded, one process owns the jobs under NASUNET_DATA_DIR) or
   * `bullmq` (Redis at NASUNET_REDIS_URL, shared by every API replica and worker).
   */
  NASUNET_QUEUE: z.enum(['sqlite', 'bullmq']).default('sqlite'),
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS); required with bullmq. */
  NASUNET_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/[^\s/]+(\/\d{1,2})?$/, 'must be redis://host:port[/db] or rediss://...')
    .optional(),
  /**
   * What this process does with jobs: `all` (serves the API and runs jobs), `api` (serves the
   * API and only queues jobs; needs bullmq), `worker` (runs jobs; serves the same API, health
   * included, on its port).
   */
  NASUNET_JOB_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /**
   * Seconds a bullmq worker holds a job without a heartbeat; a job whose worker died goes to
   * another worker after about one to two times this. Default 30.
   */
  NASUNET_JOB_LEASE_S: z.coerce.number().min(1).max(3600).default(30),
});

/** Checks the job queue variables against each other (zod objects stay extendable without). */
function checkJobQueue(config: z.infer<typeof JobServiceEnvSchema>): void {
  if (config.NASUNET_QUEUE === 'bullmq' && !config.NASUNET_REDIS_URL) {
    throw new ValidationError(
      'invalid configuration: NASUNET_REDIS_URL: is required when NASUNET_QUEUE=bullmq',
    );
  }
  if (config.NASUNET_QUEUE === 'sqlite' && config.NASUNET_JOB_ROLE !== 'all') {
    throw new ValidationError(
      `invalid configuration: NASUNET_JOB_ROLE: '${config.NASUNET_JOB_ROLE}' needs NASUNET_QUEUE=bullmq ` +
        '(the embedded queue belongs to one process, which serves and runs its jobs)',
    );
  }
}

/** A memory limit in bytes (positive integer); default 8 GiB. */
export function memoryLimitField() {
  return z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1024 ** 3);
}

/** Jobs run at the same time by one process: an integer 1..16, default 1. */
export function concurrencyField() {
  return z.coerce.number().int().min(1).max(16).default(1);
}

/** {@link parseEnv} for a job service's schema, with the queue variables checked together. */
export function parseJobServiceEnv<S extends typeof JobServiceEnvSchema>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const config = parseEnv(schema, env);
  checkJobQueue(config);
  return config;
}

/**
 * Parses `env` with `schema`; throws `ValidationError` listing every bad variable by name
 * (and every `NASUNET_*` variable no part of the suite reads), so that a misconfigured
 * service refuses to start with an actionable message.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  refuseUnknownVariables(env);
  const result = schema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ValidationError(`invalid configuration: ${issues}`);
  }
  return result.data;
}
