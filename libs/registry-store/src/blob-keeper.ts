/**
 * Keeps every blob a committed record names. Staged blobs become visible (promoted) and the
 * record naming them is written under one lock, and a blob is only removed under the same
 * lock once the store confirmed that no committed record names it. A failed or repeated
 * upload therefore never removes a blob that another dataset, genotype or model uses, even
 * when both upload the same bytes at the same time. One registry process owns a data
 * directory (the lock is in memory).
 */
import type { BlobWriter, FsArtifactStore } from './artifact-store.js';
import type { RegistryStore } from './types.js';

/**
 * How long a staged file of a shared artifact root may go unwritten before start-up of
 * another replica takes it for one a stopped process left: a live upload writes to its
 * file as its chunks arrive.
 */
export const SHARED_STAGING_IDLE_MS = 60 * 60 * 1000;

/** What {@link BlobKeeper.collect} removed. */
export interface Collected {
  /** Staged `.part` files left by a stopped process (on a shared root: unwritten for an hour). */
  staged: number;
  /** Blobs no record names (promoted by a process that stopped before its record was written). */
  blobs: number;
}

/** Promotes staged blobs together with their record and removes only unreferenced ones. */
export class BlobKeeper {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly artifacts: FsArtifactStore,
    private readonly store: RegistryStore,
  ) {}

  /**
   * Promotes `staged` and runs `write`, the store call that commits the record naming them;
   * then removes those of the promoted blobs that no committed record names (all of them
   * when `write` failed; those a repeated upload did not need when `write` returned an
   * earlier record). Staged files are removed in every case.
   */
  async commit<T>(staged: readonly BlobWriter[], write: () => Promise<T>): Promise<T> {
    try {
      return await this.locked(async () => {
        const promoted: string[] = [];
        try {
          for (const w of staged) promoted.push((await w.promote()).digest);
          return await write();
        } finally {
          await this.removeUnreferenced(promoted);
        }
      });
    } finally {
      for (const w of staged) await w.abort();
    }
  }

  /**
   * Removes what a stopped process left: staged files (every one, or on a shared root
   * those unwritten for {@link SHARED_STAGING_IDLE_MS}) and every blob no record names.
   * Call before the registry accepts calls.
   */
  collect(): Promise<Collected> {
    return this.locked(async () => ({
      staged: await this.artifacts.clearStaging(this.store.shared ? SHARED_STAGING_IDLE_MS : 0),
      blobs: await this.removeUnreferenced(await this.artifacts.digests()),
    }));
  }

  private async removeUnreferenced(digests: readonly string[]): Promise<number> {
    if (digests.length === 0) return 0;
    const unused = await this.store.unreferencedDigests(digests);
    for (const d of unused) await this.artifacts.remove(d);
    return unused.length;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    // One caller of this process at a time waits for the store's lock.
    const run = this.chain.then(() => this.store.lockBlobs(fn));
    this.chain = run.catch(() => undefined);
    return run;
  }
}
