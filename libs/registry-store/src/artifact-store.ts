/**
 * Content-addressed artifact storage on the local filesystem. A blob lives at
 * `<root>/sha256/<first 2 hex>/<64 hex>`. Uploads are staged: written to a `.part` file
 * under `<root>/tmp`, fsynced, and renamed into place only when promoted, so a reader never
 * sees a partial blob and an upload that fails never shows up. Every read re-hashes the
 * bytes and throws `IntegrityError` on a mismatch.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { IntegrityError, NotFoundError, ValidationError, sha256Digest } from '../../core/src/index.js';
import { DIGEST_PATTERN } from './names.js';

/** Digest and size of a blob. */
export interface StoredBlob {
  /** "sha256:" + 64 lowercase hex digits. */
  digest: string;
  /** Size in bytes. */
  sizeBytes: number;
}

/**
 * Streams bytes into a staged blob: invisible until {@link BlobWriter.promote} moves it into
 * the store.
 */
export interface BlobWriter {
  /** Bytes written so far. */
  readonly sizeBytes: number;
  /** The staged file, to read a sealed blob's bytes before it is promoted. */
  readonly stagedPath: string;
  /** Appends bytes. */
  write(chunk: Uint8Array): Promise<void>;
  /** Finishes writing (fsync) and returns the digest and size; the blob stays staged. */
  seal(): Promise<StoredBlob>;
  /** Moves the sealed blob into the store under its digest (identical bytes are replaced). */
  promote(): Promise<StoredBlob>;
  /** Removes the staged file. Safe after promote, or twice. */
  abort(): Promise<void>;
}

const DIGEST_FILE = /^[0-9a-f]{64}$/;

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

  /** Folder of staged files (and scratch folders of content checks); emptied at start-up. */
  get stagingDir(): string {
    return join(this.root, 'tmp');
  }

  /** Starts a new staged blob. */
  async createWriter(): Promise<BlobWriter> {
    const tmpDir = this.stagingDir;
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}.part`);
    const fh: FileHandle = await open(tmpPath, 'wx');
    const hash: Hash = createHash('sha256');
    let size = 0;
    let sealed: StoredBlob | undefined;
    let closed = false;
    const close = async (): Promise<void> => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    return {
      get sizeBytes() {
        return size;
      },
      stagedPath: tmpPath,
      write: async (chunk) => {
        if (closed) throw new Error('blob writer already finished');
        size += chunk.byteLength;
        hash.update(chunk);
        await fh.write(chunk);
      },
      seal: async () => {
        if (!sealed) {
          await fh.sync();
          await close();
          sealed = { digest: 'sha256:' + hash.digest('hex'), sizeBytes: size };
        }
        return sealed;
      },
      promote: async () => {
        if (!sealed) throw new Error('blob writer not sealed');
        const target = this.pathOf(sealed.digest);
        await mkdir(join(target, '..'), { recursive: true });
        await rename(tmpPath, target);
        return sealed;
      },
      abort: async () => {
        await close();
        await rm(tmpPath, { force: true });
      },
    };
  }

  /** Stages `bytes` as a sealed blob, ready to promote. */
  async stage(bytes: Uint8Array): Promise<BlobWriter> {
    const w = await this.createWriter();
    try {
      await w.write(bytes);
      await w.seal();
      return w;
    } catch (e) {
      await w.abort();
      throw e;
    }
  }

  /**
   * Removes the staged files not written to for `idleMs` (0: every one). Only safe for
   * files no upload still writes: at start-up, everything when this process alone uses the
   * root, else those idle longer than any live upload is.
   * @returns how many files were removed.
   */
  async clearStaging(idleMs = 0): Promise<number> {
    const tmpDir = join(this.root, 'tmp');
    const names = await readdir(tmpDir).catch(() => [] as string[]);
    let removed = 0;
    for (const n of names) {
      const path = join(tmpDir, n);
      if (idleMs > 0) {
        const st = await stat(path).catch(() => undefined);
        if (!st || Date.now() - st.mtimeMs < idleMs) continue;
      }
      await rm(path, { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  /** Digests of every stored blob. */
  async digests(): Promise<string[]> {
    const root = join(this.root, 'sha256');
    const out: string[] = [];
    for (const d of await readdir(root).catch(() => [] as string[]))
      for (const f of await readdir(join(root, d)).catch(() => [] as string[]))
        if (DIGEST_FILE.test(f) && f.startsWith(d)) out.push('sha256:' + f);
    return out;
  }

  /** Deletes a blob (only ever one that no record references). Absent blobs are ignored. */
  async remove(digest: string): Promise<void> {
    await rm(this.pathOf(digest), { force: true });
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
