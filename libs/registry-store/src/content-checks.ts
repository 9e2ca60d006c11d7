/**
 * What the registry checks in the content of an upload before it stores anything: a
 * dataset's files load as the jobs will load them (every image decodes as the type its
 * extension declares, no empty image, each mask has its image's shape and only label codes
 * of the declared classes), and a model's bundle loads (its manifest is valid and its
 * weights have the size, digest and tensor shapes the manifest declares). A failure is a
 * `ValidationError` naming the file.
 */
import { link, mkdir, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { NasUnetError, ValidationError } from '../../core/src/index.js';
import { loadFolderDataset } from '../../data/src/index.js';
import { loadModelBundle } from '../../nas/src/index.js';

/** Artifact names of a model bundle (libs/nas model-bundle). */
export const BUNDLE_MANIFEST = 'manifest.json';
export const BUNDLE_WEIGHTS = 'weights.bin';

/** `message` with the folder `root` left out of every path in it. */
function relativeTo(root: string, message: string): string {
  return message.split(`${root}/`).join('').split(root).join('.');
}

/**
 * Loads the dataset folder `root` as a job would; `ValidationError` naming the first bad
 * file, or when the labels hold another number of classes than `classNames` names.
 */
export async function checkDatasetFolder(root: string, classNames: readonly string[]): Promise<void> {
  let classes: Array<{ code: number }>;
  try {
    // Checked once on upload: nothing here is worth keeping decoded.
    ({ classes } = await loadFolderDataset(root, {
      requireLabels: false,
      onBadCase: 'fail',
      decodedCache: false,
    }));
  } catch (err) {
    if (err instanceof NasUnetError)
      throw new ValidationError(`dataset content: ${relativeTo(root, err.message)}`, { cause: err });
    throw err;
  }
  if (classNames.length > 0 && classes.length > 1 && classes.length !== classNames.length)
    throw new ValidationError(
      `dataset content: the labels hold ${classes.length} classes (codes ${classes.map((c) => c.code).join(', ')}) ` +
        `but class_names names ${classNames.length}`,
    );
}

/**
 * Checks staged dataset files (relative path -> staged file) by linking them into a
 * scratch folder under `scratchRoot` (same filesystem) and loading it; the folder is
 * removed afterwards.
 */
export async function checkStagedDataset(
  files: ReadonlyArray<{ relativePath: string; stagedPath: string }>,
  classNames: readonly string[],
  scratchRoot: string,
): Promise<void> {
  const root = join(scratchRoot, `${randomBytes(6).toString('hex')}.check`);
  try {
    for (const f of files) {
      const target = join(root, ...f.relativePath.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await link(f.stagedPath, target);
    }
    await checkDatasetFolder(root, classNames);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Checks that staged model artifacts (name -> staged file) hold a bundle that loads as a
 * network of `architecture`; `ValidationError` naming the artifact otherwise.
 */
export async function checkStagedModelBundle(
  artifacts: ReadonlyMap<string, string>,
  architecture: string,
): Promise<void> {
  const manifestPath = artifacts.get(BUNDLE_MANIFEST);
  const weightsPath = artifacts.get(BUNDLE_WEIGHTS);
  if (!manifestPath || !weightsPath)
    throw new ValidationError(
      `a model is uploaded as its bundle: artifacts "${BUNDLE_MANIFEST}" and "${BUNDLE_WEIGHTS}" are required`,
    );
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch {
    throw new ValidationError(`artifact "${BUNDLE_MANIFEST}" is not JSON`);
  }
  const weights = await readFile(weightsPath);
  let loaded: ReturnType<typeof loadModelBundle>;
  try {
    loaded = loadModelBundle({
      manifest,
      weights: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    });
  } catch (err) {
    if (!(err instanceof NasUnetError)) throw err;
    const file = err.message.startsWith('manifest') ? BUNDLE_MANIFEST : BUNDLE_WEIGHTS;
    throw new ValidationError(`artifact "${file}" does not load as a model bundle: ${err.message}`, {
      cause: err,
    });
  }
  loaded.net.dispose();
  if (loaded.manifest.architecture.key !== architecture)
    throw new ValidationError(
      `artifact "${BUNDLE_MANIFEST}" describes architecture "${loaded.manifest.architecture.key}", the metadata says "${architecture}"`,
    );
}
