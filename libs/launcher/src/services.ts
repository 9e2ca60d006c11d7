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

/**
 * Environment a service's process starts with unless the caller's environment sets it:
 * settings the C library reads before any code runs. The inference service allocates and
 * frees large buffers (a volume, its slices, its mask) in worker threads; with a fixed
 * mmap threshold (128 KiB) glibc returns them to the system when they are freed instead
 * of keeping them in its heaps (BENCHMARKS.md, "Segmentation in worker threads").
 */
export const PROCESS_ENV: Readonly<Record<ServiceName, Readonly<Record<string, string>>>> = {
  registry: {},
  search: {},
  training: {},
  inference: { MALLOC_MMAP_THRESHOLD_: '131072' },
};

/** Root of the build output (`dist/`), found from this file's location. */
export const DIST_ROOT: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Absolute path of a service's compiled `main.js`. */
export function serviceEntry(name: ServiceName): string {
  return join(DIST_ROOT, 'services', name, 'src', 'main.js');
}
