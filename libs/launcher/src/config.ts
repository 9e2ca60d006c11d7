/** Configuration of `npm start`, read from the environment once. */
import { z } from 'zod';
import { ValidationError, refuseUnknownVariables } from '../../core/src/index.js';
import { DEFAULT_PORTS } from './services.js';

const port = z.coerce.number().int().min(1).max(65535);

/** The variables the launcher reads, with defaults. */
export const LauncherConfigSchema = z.object({
  NASUNET_DATA_DIR: z.string().min(1).default('./.nasunet'),
  NASUNET_HOST: z.string().min(1).default('127.0.0.1'),
  NASUNET_REGISTRY_PORT: port.default(DEFAULT_PORTS.registry),
  NASUNET_SEARCH_PORT: port.default(DEFAULT_PORTS.search),
  NASUNET_TRAINING_PORT: port.default(DEFAULT_PORTS.training),
  NASUNET_INFERENCE_PORT: port.default(DEFAULT_PORTS.inference),
});

/** Validated launcher configuration. */
export type LauncherConfig = z.infer<typeof LauncherConfigSchema>;

/**
 * Parses the environment; throws `ValidationError` naming every bad variable and every
 * `NASUNET_*` variable no part of the suite reads (the services would refuse it too), and for
 * NASUNET_HEALTH_PORT, the port of one service process, which the four cannot share.
 */
export function loadLauncherConfig(env: NodeJS.ProcessEnv = process.env): LauncherConfig {
  refuseUnknownVariables(env);
  if (env['NASUNET_HEALTH_PORT'] !== undefined)
    throw new ValidationError(
      'NASUNET_HEALTH_PORT is the health port of one service process (a Kubernetes pod); ' +
        'npm start runs four, which cannot share it: unset it',
    );
  const r = LauncherConfigSchema.safeParse(env);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ValidationError(`invalid launcher configuration: ${issues}`);
  }
  return r.data;
}
