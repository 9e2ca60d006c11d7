/**
 * The job services' dataset cache on real files: least recently used datasets are evicted
 * beyond the byte limit, never one in use, recency survives a restart, and downloads a
 * stopped process left unfinished are removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../../../libs/core/src/index.js';
import type { Dataset__Output } from '../../../libs/rpc/src/index.js';
import { DatasetCache } from './dataset-cache.js';

/** A registry of datasets `a`, `b`, `c`, ... of `bytes` bytes each; counts downloads. */
function fakeRegistry(bytes: number) {
  const downloads: string[] = [];
  const digest = (name: string) => sha256Digest(name);
  return {
    downloads,
    hexOf: (name: string) => digest(name).slice(7),
    getDataset: async ({ name }: { name?: string }) => ({
      record: { name: name!, digest: digest(name!) } as Dataset__Output,
      files: [],
    }),
    downloadDataset: async (name: string, dir: string) => {
      downloads.push(name);
      await writeFile(join(dir, 'data.bin'), new Uint8Array(bytes));
    },
  };
}

const cached = async (root: string): Promise<string[]> =>
  (await readdir(root)).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();

test('least recently used datasets go beyond the limit, never one in use', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dataset-cache-'));
  try {
    const registry = fakeRegistry(1000);
    const cache = new DatasetCache(root, registry, 2500);
    await cache.open();
    const use = (name: string) => cache.use(name, async (local) => local.dir);
    await use('a');
    await new Promise((r) => setTimeout(r, 20));
    await use('b');
    await new Promise((r) => setTimeout(r, 20));
    await use('a'); // cached: a is now the most recent
    assert.deepEqual(registry.downloads, ['a', 'b']);
    await new Promise((r) => setTimeout(r, 20));
    await use('c'); // 3000 bytes > 2500: b, the least recently used, goes
    assert.deepEqual(await cached(root), [registry.hexOf('a'), registry.hexOf('c')].sort());

    // A dataset in use stays even when it alone is over the limit; it goes once released.
    const small = new DatasetCache(root, registry, 1);
    await small.use('d', async (local) => {
      await small.use('a', async () => undefined);
      assert.ok(existsSync(local.dir), 'the dataset in use was evicted');
      assert.deepEqual(await cached(root), [registry.hexOf('d')]);
    });
    assert.deepEqual(await cached(root), []);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('opening the cache removes unfinished downloads and evicts to the limit', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dataset-cache-'));
  try {
    const registry = fakeRegistry(1000);
    const big = new DatasetCache(root, registry, 10_000);
    await big.use('a', async () => undefined);
    await new Promise((r) => setTimeout(r, 20));
    await big.use('b', async () => undefined);
    const unfinished = join(root, `${registry.hexOf('c')}.tmp-123-456`);
    await mkdir(unfinished);
    await writeFile(join(unfinished, 'part.bin'), new Uint8Array(10));
    await new DatasetCache(root, registry, 1500).open();
    assert.deepEqual(await readdir(root), [registry.hexOf('b')], 'a (older) and the unfinished download go');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
