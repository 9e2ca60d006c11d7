/** Configuration of the training service, read from the environment once at start-up. */
import { z } from 'zod';
import { BaseEnvSchema, addressField, boolField, parseEnv, portField } from '../../common/src/env.js';

/** Environment schema of the training service. */
export const TrainingConfigSchema = BaseEnvSchema.extend({
  /** Port of TrainingService. */
  NASUNET_PORT: portField(50053),
  /** Registry address (`host:port`). */
  NASUNET_REGISTRY_ADDR: addressField('127.0.0.1:50051'),
  /** Resume interrupted jobs at start-up. */
  NASUNET_RESUME_ON_START: boolField(true),
  /** Largest estimated training memory of a configuration, in bytes; default 8 GiB. */
  NASUNET_TRAINING_MEMORY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1024 ** 3),
  /** Seconds between mid-epoch checkpoints. */
  NASUNET_CHECKPOINT_INTERVAL_S: z.coerce.number().positive().default(30),
  /** Also checkpoint every N steps (0 = off). */
  NASUNET_CHECKPOINT_EVERY_STEPS: z.coerce.number().int().min(0).default(0),
  /** Jobs run at the same time by this process. */
  NASUNET_TRAINING_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
});

/** Validated configuration of the training service. */
export type TrainingConfig = z.infer<typeof TrainingConfigSchema>;

/** Reads and validates the configuration. */
export function loadTrainingConfig(env: NodeJS.ProcessEnv = process.env): TrainingConfig {
  return parseEnv(TrainingConfigSchema, env);
}

/** DI token of the configuration. */
export const TRAINING_CONFIG = Symbol('TRAINING_CONFIG');
