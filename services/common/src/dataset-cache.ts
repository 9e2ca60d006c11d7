/**
 * The datasets a job service downloaded from the registry, one folder per content digest
 * under `root` (`<digest hex>/`, complete once its `.complete` marker is there), kept
 * within a size limit: after each use the least recently used datasets are evicted until
 * the rest fit, never one that a job or evaluation is using. Recency is the marker's
 * modification time, so it survives restarts. Downloads that a stopped process left
 * unfinished (`<digest hex>.tmp-*`) are removed on {@link DatasetCache.open}.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset__Output, DatasetFile__Output } from '../../../libs/rpc/src/index.js';
import type { RegistryGateway } from './registry-gateway.js';

/** A dataset whose files are available locally. */
export interface LocalDataset {
  record: Dataset__Output;
  files: DatasetFile__Output[];
  /** Folder holding the dataset's files (relative paths as registered). */
  dir: string;
}

const COMPLETE = '.complete';
const ENTRY = /^[0-9a-f]{64}$/;
const UNFINISHED = /^[0-9a-f]{64}\.tmp-/;

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}

/** Downloaded datasets, least recently used evicted beyond `maxBytes`. */
export class DatasetCache {
  /** Folder name -> how many callers are using it. */
  private readonly inUse = new Map<string, number>();
  /** Folder name -> its download in progress. */
  private readonly downloads = new Map<string, Promise<void>>();

  constructor(
    readonly root: string,
    private readonly registry: Pick<RegistryGateway, 'getDataset' | 'downloadDataset'>,
    readonly maxBytes: number,
  ) {}

  /** Removes unfinished downloads left by a stopped process, then evicts down to the limit. */
  async open(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const name of await readdir(this.root))
      if (UNFINISHED.test(name)) await rm(join(this.root, name), { recursive: true, force: true });
    await this.evict();
  }

  /**
   * Runs `fn` on the local files of dataset `name` (downloaded unless cached); they are not
   * evicted before `fn` settles. `signal` cancels a download.
   */
  async use<T>(name: string, fn: (local: LocalDataset) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const { record, files } = await this.registry.getDataset({ name });
    const key = record.digest.replace(/^sha256:/, '');
    const dir = join(this.root, key);
    this.inUse.set(key, (this.inUse.get(key) ?? 0) + 1);
    try {
      await this.ensure(name, key, signal);
      const now = new Date();
      await utimes(join(dir, COMPLETE), now, now);
      return await fn({ record, files, dir });
    } finally {
      const n = (this.inUse.get(key) ?? 1) - 1;
      if (n > 0) this.inUse.set(key, n);
      else this.inUse.delete(key);
      await this.evict();
    }
  }

  /** Downloads dataset `name` into `<root>/<key>` unless it is there (one download at a time per key). */
  private async ensure(name: string, key: string, signal?: AbortSignal): Promise<void> {
    const dir = join(this.root, key);
    if (existsSync(join(dir, COMPLETE))) return;
    let pending = this.downloads.get(key);
    if (!pending) {
      pending = (async () => {
        const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
        await mkdir(tmp, { recursive: true });
        try {
          await this.registry.downloadDataset(name, tmp, signal);
          await writeFile(join(tmp, COMPLETE), `sha256:${key}`);
          await rm(dir, { recursive: true, force: true });
          await rename(tmp, dir);
        } catch (err) {
          await rm(tmp, { recursive: true, force: true });
          throw err;
        }
      })().finally(() => this.downloads.delete(key));
      this.downloads.set(key, pending);
    }
    await pending;
  }

  /** Removes the least recently used datasets not in use until the rest fit the limit. */
  private async evict(): Promise<void> {
    const entries: Array<{ key: string; bytes: number; usedAt: number }> = [];
    for (const key of await readdir(this.root).catch(() => [] as string[])) {
      if (!ENTRY.test(key)) continue;
      const marker = await stat(join(this.root, key, COMPLETE)).catch(() => undefined);
      if (!marker) continue;
      entries.push({ key, bytes: await folderBytes(join(this.root, key)), usedAt: marker.mtimeMs });
    }
    let total = entries.reduce((s, e) => s + e.bytes, 0);
    for (const e of entries.sort((a, b) => a.usedAt - b.usedAt)) {
      if (total <= this.maxBytes) break;
      if (this.inUse.has(e.key)) continue;
      await rm(join(this.root, e.key), { recursive: true, force: true });
      total -= e.bytes;
    }
  }
}
