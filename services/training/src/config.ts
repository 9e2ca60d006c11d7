/** Configuration of the training service, read from the environment once at start-up. */
import { z } from 'zod';
import {
  InferenceRuntimeEnvFields,
  JobServiceEnvSchema,
  concurrencyField,
  memoryLimitField,
  parseJobServiceEnv,
  portField,
} from '../../common/src/env.js';

/** Environment schema of the training service. */
export const TrainingConfigSchema = JobServiceEnvSchema.extend({
  /** Port of TrainingService. */
  NASUNET_PORT: portField(50053),
  /** Largest estimated training memory of a configuration, in bytes; default 8 GiB. */
  NASUNET_TRAINING_MEMORY_LIMIT_BYTES: memoryLimitField(),
  /** Jobs run at the same time by this process. */
  NASUNET_TRAINING_CONCURRENCY: concurrencyField(),
  /** What computes the forward passes of Evaluate (as in the inference service). */
  ...InferenceRuntimeEnvFields,
});

/** Validated configuration of the training service. */
export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;

/** Reads and validates the configuration. */
export function loadTrainingConfig(env: NodeJS.ProcessEnv = process.env): TrainingConfig {
  return parseJobServiceEnv(TrainingConfigSchema, env);
}

/** DI token of the configuration. */
export const TRAINING_CONFIG = Symbol('TRAINING_CONFIG');
