/**
 * Reading an input file whole, with the errors every reader of this lib reports.
 */
import { readFile } from 'node:fs/promises';
import { DataFormatError, NotFoundError } from '../../core/src/index.js';

/**
 * The bytes of `path`. Throws NotFoundError when it is missing and DataFormatError naming
 * it when it cannot be read; `what` names the kind of file in both (e.g. 'NIfTI file').
 */
export async function readSourceFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`${what} not found: ${path}`, { cause: err });
    }
    throw new DataFormatError(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}
