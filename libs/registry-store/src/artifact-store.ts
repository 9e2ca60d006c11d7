/**
 * Content-addressed artifact storage on the local filesystem. A blob lives at
 * `<root>/sha256/<first 2 hex>/<64 hex>`; it is written to a temp file, fsynced and
 * renamed into place, so a reader never sees a partial blob. Every read re-hashes the
 * bytes and throws `IntegrityError` on a mismatch.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { IntegrityError, NotFoundError, ResourceLimitError, ValidationError } from '../../core/src/index.js';
import { DIGEST_PATTERN } from './names.js';

/** Digest and size of a stored blob. */
export interface StoredBlob {
  /** "sha256:" + 64 lowercase hex digits. */
  digest: string;
  /** Size in bytes. */
  sizeBytes: number;
  /** True when the same content was already stored (nothing new was written). */
  existed: boolean;
}

/** Streams bytes into a new blob; {@link BlobWriter.commit} makes it visible. */
export interface BlobWriter {
  /** Appends bytes. Throws `ResourceLimitError` once more than the writer's limit was written. */
  write(chunk: Uint8Array): Promise<void>;
  /** Finishes the blob (fsync + rename) and returns its digest and size. */
  commit(): Promise<StoredBlob>;
  /** Discards what was written. Safe to call after commit or twice. */
  abort(): Promise<void>;
}

/** Digest of bytes in our "sha256:<hex>" form. */
export function sha256Digest(bytes: Uint8Array | string): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

/** The filesystem artifact store. */
export class FsArtifactStore {
  /** @param root folder holding the blobs (created on demand). */
  constructor(readonly root: string) {}

  /** Path of the blob with `digest` (it may not exist). */
  pathOf(digest: string): string {
    if (!DIGEST_PATTERN.test(digest))
      throw new ValidationError(`artifact digest ${JSON.stringify(digest)} is not "sha256:" + 64 hex digits`);
    const hex = digest.slice(7);
    return join(this.root, 'sha256', hex.slice(0, 2), hex);
  }

  /**
   * Starts a new blob. At most `maxBytes` bytes may be written (default: no limit).
   */
  async createWriter(maxBytes = Number.POSITIVE_INFINITY): Promise<BlobWriter> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}.part`);
    const fh: FileHandle = await open(tmpPath, 'wx');
    const hash: Hash = createHash('sha256');
    let size = 0;
    let closed = false;
    const close = async (): Promise<void> => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    return {
      write: async (chunk) => {
        if (closed) throw new Error('blob writer already finished');
        size += chunk.byteLength;
        if (size > maxBytes) throw new ResourceLimitError(`upload exceeds the limit of ${maxBytes} bytes`);
        hash.update(chunk);
        await fh.write(chunk);
      },
      commit: async () => {
        await fh.sync();
        await close();
        const digest = 'sha256:' + hash.digest('hex');
        const target = this.pathOf(digest);
        const existed = await this.has(digest);
        await mkdir(join(target, '..'), { recursive: true });
        await rename(tmpPath, target);
        return { digest, sizeBytes: size, existed };
      },
      abort: async () => {
        await close();
        await rm(tmpPath, { force: true });
      },
    };
  }

  /** Stores bytes and returns their digest. Storing the same bytes twice is a no-op. */
  async put(bytes: Uint8Array): Promise<StoredBlob> {
    const w = await this.createWriter();
    try {
      await w.write(bytes);
      return await w.commit();
    } catch (e) {
      await w.abort();
      throw e;
    }
  }

  /** Deletes a blob (used to undo a failed request's new blobs). Absent blobs are ignored. */
  async remove(digest: string): Promise<void> {
    await rm(this.pathOf(digest), { force: true });
  }

  /** Whether a blob with `digest` exists. */
  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.pathOf(digest));
      return true;
    } catch {
      return false;
    }
  }

  /** Reads a whole blob, verified. `NotFoundError` if absent, `IntegrityError` if corrupt. */
  async get(digest: string): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new NotFoundError(`artifact ${digest} is missing from the artifact store`);
      throw e;
    }
    if (sha256Digest(bytes) !== digest) throw new IntegrityError(`artifact ${digest} failed its checksum`);
    return bytes;
  }

  /**
   * Streams a blob in chunks of about `chunkBytes`. The digest is checked when the end is
   * reached; a mismatch throws `IntegrityError` before the last chunk is yielded, so a
   * consumer never receives the end of corrupt data as if it were good.
   */
  async *read(digest: string, chunkBytes = 1024 * 1024): AsyncGenerator<Uint8Array> {
    const path = this.pathOf(digest);
    try {
      await stat(path);
    } catch {
      throw new NotFoundError(`artifact ${digest} is missing from the artifact store`);
    }
    const hash = createHash('sha256');
    let pending: Uint8Array | undefined;
    for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes })) {
      const c = chunk as Buffer;
      hash.update(c);
      if (pending) yield pending;
      pending = c;
    }
    if ('sha256:' + hash.digest('hex') !== digest)
      throw new IntegrityError(`artifact ${digest} failed its checksum`);
    yield pending ?? new Uint8Array(0);
  }
}
