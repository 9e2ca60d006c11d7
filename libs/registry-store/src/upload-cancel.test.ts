/**
 * An upload whose client goes away after the stream ended, while its content is checked,
 * stores nothing: the registry asks `stillWanted` once more just before it writes the
 * record, and a refusal there leaves neither a record nor a new blob behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError } from '../../core/src/index.js';
import { encodePngGray, generateSyntheticDataset } from '../../data/src/index.js';
import { FsArtifactStore } from './artifact-store.js';
import { ModelRegistry, type DatasetMetadataInput, type FilePiece } from './registry.js';

/** An images/ + masks/ dataset of `count` 16 x 16 phantoms, as files. */
function phantomFiles(count: number): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const c of generateSyntheticDataset({ count, size: 16, seed: 5 }).cases) {
    const img = Uint8Array.from(c.image.data, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
    files.set(`images/${c.id}.png`, encodePngGray(img, 16, 16));
    files.set(`masks/${c.id}.png`, encodePngGray(Uint8Array.from(c.label!.data), 16, 16));
  }
  return files;
}

function metadata(name: string, files: Map<string, Uint8Array>): DatasetMetadataInput {
  return {
    name,
    layout: 'image_pairs',
    classNames: ['background', 'organ_bright', 'organ_dark'],
    caseCount: files.size / 2,
    description: '',
    files: [...files].map(([relativePath, data]) => ({
      relativePath,
      sizeBytes: data.byteLength,
      digest: 'sha256:' + createHash('sha256').update(data).digest('hex'),
    })),
  };
}

async function* pieces(files: Map<string, Uint8Array>): AsyncIterable<FilePiece> {
  for (const [relativePath, data] of files) yield { relativePath, data };
}

test('a dataset upload whose client has gone by the time it would be stored leaves nothing behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasunet-upload-cancel-'));
  try {
    const registry = await ModelRegistry.openEmbedded(dir);
    const blobs = new FsArtifactStore(join(dir, 'artifacts'));
    const shared = phantomFiles(2);
    await registry.registerDataset(metadata('kept', shared), pieces(shared));
    const keptBlobs = (await blobs.digests()).sort();
    // The second upload shares the first one's files and adds two more.
    const more = new Map([...shared, ...phantomFiles(4)]);
    let asked = 0;
    await assert.rejects(
      registry.registerDataset(metadata('gone', more), pieces(more), () => {
        asked++;
        throw new CancelledError('the client cancelled the request');
      }),
      (e: Error) => e instanceof CancelledError,
    );
    assert.equal(asked, 1, 'asked once, after the content checks');
    await assert.rejects(registry.getDataset('gone'), (e: Error) => e.name === 'NotFoundError');
    assert.deepEqual((await blobs.digests()).sort(), keptBlobs, 'no new blob, no shared blob removed');
    const kept = await registry.getDataset('kept');
    assert.equal(kept.files.length, shared.size);
    // The same upload, still wanted, is stored.
    await registry.registerDataset(metadata('gone', more), pieces(more), () => asked++);
    assert.equal((await registry.getDataset('gone')).files.length, more.size);
    assert.equal(asked, 2);
    await registry.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
