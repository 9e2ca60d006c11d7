/**
 * Registers the dataset of a command in the registry so that search and training jobs can
 * name it: a local folder by `file://` URI (every worker must be able to read the path) or
 * uploaded as a chunked stream (`upload`); the synthetic set is always uploaded as
 * `images/<case>.png` + `masks/<case>.png` pairs. The name is derived from the content
 * digest (and the `--class-names` given), so the same data registers once and later calls
 * reuse it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AlreadyExistsError, PermissionDeniedError, ValidationError } from '../../core/src/index.js';
import { digestJson, encodePngGray, type Dataset } from '../../data/src/index.js';
import {
  registerDatasetMessages,
  type Dataset__Output,
  type DatasetMetadata,
  type GetDatasetResponse__Output,
  type ModelRegistryServiceClient,
  type RegisterDatasetUriResponse__Output,
} from '../../rpc/src/index.js';
import { callError, targetOf, unaryCall } from './grpc-calls.js';
import { loadRequestedDataset, type DataRequest } from './dataset-prep.js';

/** A dataset as files: relative path ('/'-separated) -> bytes. */
export type DatasetFiles = Map<string, Uint8Array>;

/** Registry name of a dataset: a slug of `label` plus 12 hex digits of its digest. */
export function datasetName(label: string, digestHex: string): string {
  const slug =
    label
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 40) || 'dataset';
  return `${slug}-${digestHex.replace(/^sha256:/, '').slice(0, 12)}`;
}

/**
 * The synthetic set as image/mask PNG pairs (images scaled to 0..255 and clamped; masks
 * hold the class index per pixel).
 */
export function syntheticAsFiles(ds: Dataset): DatasetFiles {
  const files: DatasetFiles = new Map();
  for (const c of ds.cases) {
    const [w, h] = c.image.shape;
    const px = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++)
      px[i] = Math.max(0, Math.min(255, Math.round((c.image.data[i] as number) * 255)));
    if (!c.label) throw new ValidationError(`synthetic case ${c.id} has no label`);
    files.set(`images/${c.id}.png`, encodePngGray(px, w, h));
    files.set(`masks/${c.id}.png`, encodePngGray(Uint8Array.from(c.label.data), w, h));
  }
  return files;
}

/** Every regular file under `root`, by '/'-separated relative path. */
export function readFolderFiles(root: string): DatasetFiles {
  const files: DatasetFiles = new Map();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.set(relative(root, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(root);
  return files;
}

/** Uploads `files` through the RegisterDataset client stream (declared, then in chunks). */
export function uploadDataset(
  client: ModelRegistryServiceClient,
  metadata: DatasetMetadata,
  files: DatasetFiles,
): Promise<Dataset__Output> {
  const address = targetOf(client);
  return new Promise((resolvePromise, reject) => {
    const stream = client.registerDataset({ deadline: Date.now() + 10 * 60_000 }, (err, res) => {
      if (err) reject(callError(err, `registering dataset ${metadata.name}`, address));
      else resolvePromise(res!.dataset!);
    });
    for (const m of registerDatasetMessages(metadata, files)) stream.write(m);
    stream.end();
  });
}

/** How to register: by URI (default for folders) or by upload. */
export interface RegisterOptions {
  /**
   * Upload the folder's files instead of registering its `file://` URI (which is also what
   * happens when the registry may not read the folder).
   */
  upload: boolean;
  /** Told when a refused `file://` registration turns into an upload. */
  onNote?: (text: string) => void;
}

/**
 * Registers the dataset of `data` (folder or synthetic reference) unless a dataset of the
 * same derived name exists; returns the registry's record.
 * @throws ValidationError / DataFormatError for unreadable local data, the mapped domain
 *   error of the registry's status otherwise.
 */
export async function ensureDataset(
  client: ModelRegistryServiceClient,
  data: DataRequest,
  options: RegisterOptions,
): Promise<Dataset__Output> {
  const ds = await loadRequestedDataset(data);
  const synthetic = ds.kind === 'synthetic';
  const label = synthetic ? 'synthetic' : basename(resolve(data.ref));
  // Data given other class names registers on its own, so the jobs on it see those names.
  const key = data.classNames ? digestJson({ digest: ds.digest, classNames: data.classNames }) : ds.digest;
  const name = datasetName(label, key);
  const metadata: DatasetMetadata = {
    name,
    layout: ds.kind === 'msd' ? 'DATASET_LAYOUT_MSD' : 'DATASET_LAYOUT_IMAGE_PAIRS',
    classNames: ds.classes.map((c) => c.name),
    caseCount: ds.cases.length,
    description: synthetic ? `synthetic set ${data.ref}` : `registered by nasunet from ${label}`,
  };
  try {
    if (synthetic) return await uploadDataset(client, metadata, syntheticAsFiles(ds));
    const root = resolve(data.ref);
    if (!statSync(root).isDirectory()) throw new ValidationError(`--data ${data.ref}: not a folder`);
    if (options.upload) return await uploadDataset(client, metadata, readFolderFiles(root));
    try {
      const res = await unaryCall<RegisterDatasetUriResponse__Output>(
        client,
        'registerDatasetUri',
        { metadata, uri: pathToFileURL(root).href },
        `registering dataset ${name}`,
        10 * 60_000,
      );
      return res.dataset!;
    } catch (err) {
      // A registry that may not read this folder gets the files themselves.
      if (!(err instanceof PermissionDeniedError)) throw err;
      options.onNote?.(`the registry may not read ${data.ref} (${err.message}); uploading its files\n`);
      return await uploadDataset(client, metadata, readFolderFiles(root));
    }
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    const got = await unaryCall<GetDatasetResponse__Output>(
      client,
      'getDataset',
      { name },
      `reading dataset ${name}`,
    );
    return got.dataset!;
  }
}
