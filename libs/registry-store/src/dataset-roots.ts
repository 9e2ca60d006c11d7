/**
 * Which server folders a `file://` dataset may name: real paths (symbolic links resolved)
 * under one of the allowed roots, and never inside the registry's own data. Everything
 * else is refused with `PermissionDeniedError`, so a client cannot have the registry read
 * (and hand out) files it was not meant to share.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { NotFoundError, PermissionDeniedError } from '../../core/src/index.js';

const inside = (path: string, root: string): boolean => {
  const r = relative(root, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

async function real(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

/** The allowed roots of `file://` datasets (none: every such dataset is refused). */
export class DatasetRoots {
  private realRoots: Promise<string[]> | null = null;
  private realForbidden: Promise<string[]> | null = null;

  /**
   * @param roots folders whose contents may be registered (absolute paths)
   * @param forbidden folders never readable this way, even under a root (the registry's data)
   */
  constructor(
    readonly roots: readonly string[],
    private readonly forbidden: readonly string[] = [],
  ) {}

  /** The same roots, with `folder` forbidden too. */
  forbidding(folder: string): DatasetRoots {
    return new DatasetRoots(this.roots, [...this.forbidden, folder]);
  }

  /**
   * The real path of `path` when it lies under an allowed root and outside the forbidden
   * folders; `NotFoundError` when it does not exist, `PermissionDeniedError` otherwise.
   * `shown` names the path in messages (the client's own URI, never a server path).
   */
  async check(path: string, shown: string): Promise<string> {
    let target: string;
    try {
      target = await realpath(path);
    } catch {
      throw new NotFoundError(`${shown} not found`);
    }
    this.realRoots ??= Promise.all(this.roots.map(real));
    this.realForbidden ??= Promise.all(this.forbidden.map(real));
    const roots = await this.realRoots;
    const forbidden = await this.realForbidden;
    if (roots.length === 0) {
      throw new PermissionDeniedError(
        `${shown}: this registry reads no server folders (NASUNET_DATASET_ROOTS is empty); upload the files instead`,
      );
    }
    if (
      !roots.some((r) => inside(target, r)) ||
      forbidden.some((f) => inside(target, f) || inside(f, target))
    ) {
      throw new PermissionDeniedError(
        `${shown} is not under a folder this registry may read (NASUNET_DATASET_ROOTS); upload the files instead`,
      );
    }
    return target;
  }
}
