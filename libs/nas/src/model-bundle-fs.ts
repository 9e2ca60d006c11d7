/**
 * Model bundles on disk: a directory holding `manifest.json` (pretty JSON) and
 * `weights.bin` (the little-endian float32 blob). See `model-bundle.ts` for the format.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError, NotFoundError } from '../../core/src/errors.js';
import { parseManifest, type ModelBundle } from './model-bundle.js';

/** File names inside a bundle directory. */
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Writes a bundle into `dir` (created if missing); each file is written to a temp name then renamed. */
export async function writeModelBundleDir(dir: string, bundle: ModelBundle): Promise<void> {
  await mkdir(dir, { recursive: true });
  const put = async (name: string, data: string | Uint8Array): Promise<void> => {
    const tmp = join(dir, `.${name}.tmp`);
    await writeFile(tmp, data);
    await rename(tmp, join(dir, name));
  };
  await put(WEIGHTS_FILE, bundle.weights);
  await put(MANIFEST_FILE, JSON.stringify(bundle.manifest, null, 2) + '\n');
}

/**
 * Reads a bundle from `dir` (no verification of the weights yet: `loadModelBundle` does
 * that). Throws `NotFoundError` for a missing file, `DataFormatError` for bad JSON,
 * `ValidationError` for a manifest that breaks the schema.
 */
export async function readModelBundleDir(dir: string): Promise<ModelBundle> {
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await readFile(join(dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NotFoundError(`model bundle file not found: ${join(dir, name)}`);
      throw e;
    }
  };
  const text = (await read(MANIFEST_FILE)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataFormatError(`${join(dir, MANIFEST_FILE)}: not valid JSON (${(e as Error).message})`);
  }
  const manifest = parseManifest(json);
  const buf = await read(WEIGHTS_FILE);
  return { manifest, weights: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}
