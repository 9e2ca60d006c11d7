/**
 * The messages of the registry's upload streams (UploadModel, RegisterDataset): first the
 * metadata declaring every payload (name, size, sha256), then the payloads in chunks. Every
 * client that uploads writes these, so what it declares is what it sends; the registry
 * stores nothing unless the bytes it received are exactly the declared ones.
 */
import { sha256Digest } from '../../core/src/index.js';
import { splitChunks } from './chunks.js';
import type {
  DatasetMetadata,
  ModelMetadata,
  RegisterDatasetRequest,
  UploadModelRequest,
} from './gen/index.js';
import { DEFAULT_CHUNK_BYTES } from './options.js';

/** Payloads by name (artifact name or relative file path). */
export type Payloads = Iterable<readonly [string, Uint8Array]>;

/** UploadModel's messages: `metadata` with `artifacts` declared, then each artifact's chunks. */
export function* uploadModelMessages(
  metadata: ModelMetadata,
  artifacts: Payloads,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<UploadModelRequest> {
  const list = [...artifacts];
  yield {
    metadata: {
      ...metadata,
      artifacts: list.map(([name, bytes]) => ({
        name,
        sizeBytes: bytes.byteLength,
        digest: sha256Digest(bytes),
      })),
    },
  };
  for (const [artifactName, bytes] of list)
    for (const data of splitChunks(bytes, chunkBytes)) yield { chunk: { artifactName, data } };
}

/** RegisterDataset's messages: `metadata` with `files` declared, then each file's chunks. */
export function* registerDatasetMessages(
  metadata: DatasetMetadata,
  files: Payloads,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<RegisterDatasetRequest> {
  const list = [...files];
  yield {
    metadata: {
      ...metadata,
      files: list.map(([relativePath, bytes]) => ({
        relativePath,
        sizeBytes: bytes.byteLength,
        digest: sha256Digest(bytes),
      })),
    },
  };
  for (const [relativePath, bytes] of list)
    for (const data of splitChunks(bytes, chunkBytes)) yield { file: { relativePath, data } };
}
