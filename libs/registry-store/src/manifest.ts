/** Dataset manifests and their digest. */
import { sha256Digest } from '../../core/src/index.js';
import type { DatasetFileRecord } from './types.js';

/**
 * Digest of a dataset: sha256 over one line `<path>\t<size>\t<digest>\n` per file, sorted by
 * path (byte order). Equal file sets give equal digests, wherever they are stored.
 */
export function manifestDigest(files: readonly DatasetFileRecord[]): string {
  const sorted = [...files].sort((a, b) =>
    a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0,
  );
  return sha256Digest(sorted.map((f) => `${f.relativePath}\t${f.sizeBytes}\t${f.digest}\n`).join(''));
}
