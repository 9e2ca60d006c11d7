/**
 * Whether the Vulkan loader (`libvulkan.so.1`) can be found on Linux. Dawn, under the
 * `webgpu` package, prints a native stack trace to stderr when it cannot load it, so the
 * WebGPU probe asks here first and reports one line instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const LOADER = 'libvulkan.so.1';

/** Library folders named by `LD_LIBRARY_PATH`. */
function libraryPathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env['LD_LIBRARY_PATH'] ?? '').split(':').filter((d) => d !== '');
}

/** The libraries `ldconfig -p` lists, or null where ldconfig cannot be run. */
function ldconfigListing(): string | null {
  for (const bin of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try {
      return execFileSync(bin, ['-p'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      });
    } catch {
      // try the next location
    }
  }
  return null;
}

/**
 * `true` when the loader is in the dynamic linker's cache or on `LD_LIBRARY_PATH`,
 * `false` when it is in neither, and `true` on other systems or where the cache cannot
 * be read (Dawn then decides for itself).
 */
export function vulkanLoaderPresent(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  listing: () => string | null = ldconfigListing,
): boolean {
  if (platform !== 'linux') return true;
  if (libraryPathDirs(env).some((d) => existsSync(join(d, LOADER)))) return true;
  const cache = listing();
  return cache === null || cache.includes(LOADER);
}
