/** Configuration of the search service, read from the environment once at start-up. */
import { z } from 'zod';
import { BaseEnvSchema, addressField, boolField, parseEnv, portField } from '../../common/src/env.js';

/** Environment schema of the search service. */
export const SearchConfigSchema = BaseEnvSchema.extend({
  /** Port of SearchService. */
  NASUNET_PORT: portField(50052),
  /** Registry address (`host:port`). */
  NASUNET_REGISTRY_ADDR: addressField('127.0.0.1:50051'),
  /** Resume interrupted jobs at start-up. */
  NASUNET_RESUME_ON_START: boolField(true),
  /** Largest estimated memory of a search configuration, in bytes; default 8 GiB. */
  NASUNET_SEARCH_MEMORY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1024 ** 3),
  /** Seconds between mid-epoch checkpoints. */
  NASUNET_CHECKPOINT_INTERVAL_S: z.coerce.number().positive().default(30),
  /** Also checkpoint every N steps (0 = off). */
  NASUNET_CHECKPOINT_EVERY_STEPS: z.coerce.number().int().min(0).default(0),
  /** Jobs run at the same time by this process. */
  NASUNET_SEARCH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
});

/** Validated configuration of the search service. */
export type SearchConfig = z.infer<typeof SearchConfigSchema>;

/** Reads and validates the configuration (throws `ValidationError` naming bad variables). */
export function loadSearchConfig(env: NodeJS.ProcessEnv = process.env): SearchConfig {
  return parseEnv(SearchConfigSchema, env);
}

/** DI token of the configuration. */
export const SEARCH_CONFIG = Symbol('SEARCH_CONFIG');
