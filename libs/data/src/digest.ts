/**
 * Dataset digests for lineage records.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * sha256 (hex) over files: for each file in sorted relative-path order, the UTF-8 path,
 * a NUL byte, the file length as decimal, a NUL byte, then the file bytes.
 * Independent of listing order and absolute location.
 *
 * @param root folder the relative paths are resolved against
 * @param relPaths paths relative to `root`, with '/' separators
 */
export async function digestFiles(root: string, relPaths: readonly string[]): Promise<string> {
  const h = createHash('sha256');
  const sorted = [...new Set(relPaths)].sort();
  for (const rel of sorted) {
    const bytes = await readFile(`${root}/${rel}`);
    h.update(rel, 'utf8');
    h.update('\0');
    h.update(String(bytes.length));
    h.update('\0');
    h.update(bytes);
  }
  return h.digest('hex');
}

/** sha256 (hex) of a JSON value with object keys sorted (canonical form). */
export function digestJson(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/** JSON with object keys sorted recursively. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
