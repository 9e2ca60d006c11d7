/** Configuration of the search service, read from the environment once at start-up. */
import { z } from 'zod';
import {
  JobServiceEnvSchema,
  concurrencyField,
  memoryLimitField,
  parseJobServiceEnv,
  portField,
} from '../../common/src/env.js';

/** Environment schema of the search service. */
export const SearchConfigSchema = JobServiceEnvSchema.extend({
  /** Port of SearchService. */
  NASUNET_PORT: portField(50052),
  /** Largest estimated memory of a search configuration, in bytes; default 8 GiB. */
  NASUNET_SEARCH_MEMORY_LIMIT_BYTES: memoryLimitField(),
  /** Jobs run at the same time by this process. */
  NASUNET_SEARCH_CONCURRENCY: concurrencyField(),
});

/** Validated configuration of the search service. */
export type SearchConfig = z.infer<typeof SearchConfigSchema>;

/** Reads and validates the configuration (throws `ValidationError` naming bad variables). */
export function loadSearchConfig(env: NodeJS.ProcessEnv = process.env): SearchConfig {
  return parseJobServiceEnv(SearchConfigSchema, env);
}

/** DI token of the configuration. */
export const SEARCH_CONFIG = Symbol('SEARCH_CONFIG');
