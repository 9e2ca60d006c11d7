/**
 * The `NASUNET_*` environment variables, suite-wide. Every service, the launcher and the
 * test harness share one environment (a k8s ConfigMap, `npm start`), so a variable is
 * known when some part of the suite reads it; any other `NASUNET_*` variable is refused at
 * start-up, so that a misspelt or unbuilt setting never passes silently.
 */
import { ValidationError } from './errors.js';

/** Every `NASUNET_*` variable some part of the suite reads, by reader. */
export const SUITE_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  'every service': [
    'NASUNET_HOST',
    'NASUNET_PORT',
    'NASUNET_HEALTH_PORT',
    'NASUNET_DATA_DIR',
    'NASUNET_BACKEND',
    'NASUNET_TRACE_FILE',
    'NASUNET_TLS_CERT',
    'NASUNET_TLS_KEY',
    'NASUNET_TLS_CLIENT_CA',
    'NASUNET_TOKENS_FILE',
    'NASUNET_INSECURE_DEV',
  ],
  'search, training and inference (calling the registry)': [
    // Also read by the launcher and the probe (health over TLS) and the CLI (--tls-ca).
    'NASUNET_TLS_CA',
    'NASUNET_SERVICE_TOKEN_FILE',
  ],
  'search and training': [
    'NASUNET_REGISTRY_ADDR',
    'NASUNET_RESUME_ON_START',
    'NASUNET_CHECKPOINT_INTERVAL_S',
    'NASUNET_CHECKPOINT_EVERY_STEPS',
    'NASUNET_MAX_QUEUED_JOBS',
    'NASUNET_FAILED_CHECKPOINT_RETENTION_S',
    'NASUNET_DATASET_CACHE_BYTES',
    'NASUNET_SEARCH_MEMORY_LIMIT_BYTES',
    'NASUNET_SEARCH_CONCURRENCY',
    'NASUNET_TRAINING_MEMORY_LIMIT_BYTES',
    'NASUNET_TRAINING_CONCURRENCY',
    'NASUNET_DATASET_CACHE_DIR',
    // Also read by the CLI (every command that loads a dataset folder).
    'NASUNET_DECODED_CACHE_DIR',
    'NASUNET_QUEUE',
    'NASUNET_REDIS_URL',
    'NASUNET_JOB_ROLE',
    'NASUNET_JOB_LEASE_S',
  ],
  registry: ['NASUNET_DATASET_ROOTS', 'NASUNET_STORE', 'NASUNET_DATABASE_URL'],
  inference: [
    'NASUNET_MAX_IMAGE_PIXELS',
    'NASUNET_MAX_VOLUME_VOXELS',
    'NASUNET_MAX_INPUT_BYTES',
    'NASUNET_MODEL_CACHE_SIZE',
    'NASUNET_INFERENCE_CONCURRENCY',
    'NASUNET_INFERENCE_QUEUE',
    'NASUNET_INFERENCE_WORKER_MAX_MB',
    'NASUNET_DICOMWEB_URL',
    'NASUNET_DICOMWEB_USER',
    'NASUNET_DICOMWEB_PASSWORD_FILE',
    'NASUNET_MAX_DICOM_INSTANCES',
  ],
  'inference and training (Evaluate)': ['NASUNET_INFERENCE_RUNTIME', 'NASUNET_INFERENCE_THREADS'],
  launcher: [
    'NASUNET_REGISTRY_PORT',
    'NASUNET_SEARCH_PORT',
    'NASUNET_TRAINING_PORT',
    'NASUNET_INFERENCE_PORT',
  ],
  cli: ['NASUNET_TOKEN'], // and the NASUNET_DICOMWEB_* variables of the inference service (segment --pacs)
  'test harness': ['NASUNET_TEST_VERBOSE'],
};

const KNOWN = new Set(Object.values(SUITE_VARIABLES).flat());

/** Whether `name` is a `NASUNET_*` variable that some part of the suite reads. */
export function isSuiteVariable(name: string): boolean {
  return KNOWN.has(name);
}

/**
 * Throws `ValidationError` naming every `NASUNET_*` variable of `env` that no part of the
 * suite reads.
 */
export function refuseUnknownVariables(env: NodeJS.ProcessEnv): void {
  const unknown = Object.keys(env)
    .filter((k) => k.startsWith('NASUNET_') && !KNOWN.has(k))
    .sort();
  if (unknown.length > 0) {
    throw new ValidationError(
      `unknown configuration variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: ` +
        `no part of nasunet reads ${unknown.length > 1 ? 'them' : 'it'} (remove, or check the spelling; ` +
        `the known ones are listed in libs/core/src/suite-env.ts)`,
    );
  }
}
