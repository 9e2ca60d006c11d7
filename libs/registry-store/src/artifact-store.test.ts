import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrityError, NotFoundError, sha256Digest } from '../../core/src/index.js';
import { FsArtifactStore } from './artifact-store.js';

test('artifacts are content-addressed and a flipped byte is caught on read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'art-'));
  try {
    const store = new FsArtifactStore(dir);
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);
    const staged = await store.stage(bytes);
    await assert.rejects(store.get(sha256Digest(bytes)), NotFoundError, 'invisible until promoted');
    const blob = await staged.promote();
    assert.deepEqual(blob, { digest: sha256Digest(bytes), sizeBytes: 3000 });
    await (await store.stage(bytes)).promote();
    assert.deepEqual(await store.digests(), [blob.digest]);
    assert.deepEqual(await store.get(blob.digest), Buffer.from(bytes));
    const chunks: Uint8Array[] = [];
    for await (const c of store.read(blob.digest, 1024)) chunks.push(c);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(bytes));
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);

    const path = store.pathOf(blob.digest);
    const stored = await readFile(path);
    stored[1234] = stored[1234]! ^ 0x01;
    await writeFile(path, stored);
    await assert.rejects(store.get(blob.digest), IntegrityError);
    await assert.rejects(
      (async () => {
        for await (const _ of store.read(blob.digest, 1024)) void _;
      })(),
      IntegrityError,
    );
    await assert.rejects(store.get(sha256Digest('absent')), NotFoundError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an aborted writer and the staging left by a stopped process leave no file behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'art-'));
  try {
    const store = new FsArtifactStore(dir);
    const w = await store.createWriter();
    await w.write(new Uint8Array(3));
    await w.abort();
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    const left = await store.createWriter();
    await left.write(new Uint8Array(5));
    assert.equal((await readdir(join(dir, 'tmp'))).length, 1);
    assert.equal(await store.clearStaging(), 1);
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
    await left.abort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
