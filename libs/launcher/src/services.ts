/**
 * The four services of the suite, their fixed default ports and their entry points in the
 * build output.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Short names of the services, in start order (the registry first: the others call it). */
export const SERVICE_NAMES = ['registry', 'search', 'training', 'inference'] as const;

/** One of the four services. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Default TCP port of each service on 127.0.0.1 (same as the Kubernetes manifests). */
export const DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = {
  registry: 50051,
  search: 50052,
  training: 50053,
  inference: 50054,
};

/** Root of the build output (`dist/`), found from this file's location. */
export const DIST_ROOT: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Absolute path of a service's compiled `main.js`. */
export function serviceEntry(name: ServiceName): string {
  return join(DIST_ROOT, 'services', name, 'src', 'main.js');
}
