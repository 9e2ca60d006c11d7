/**
 * The decoded-volume cache under loadFolderDataset: a second load is served from it and
 * equals the first exactly; changed files, corrupt entries and a disabled cache never give
 * stale or wrong volumes; the folder stays within its size bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import {
  DecodedVolumeCache,
  decodedCacheFromEnv,
  encodePngGray,
  loadFolderDataset,
  orientationFromAffine,
  writeNifti,
  type Dataset,
  type Volume,
} from './index.js';
import { rawNifti, tempDir } from './fixtures.js';

const SHAPE: [number, number, number] = [5, 4, 3];
const N = 60;

const AFFINE = [
  [-0.8, 0, 0.1, 12.5],
  [0, 0, 2.5, -7],
  [0.05, -1.2, 0, 3.25],
  [0, 0, 0, 1],
];

/** A volume with a rotated, flipped affine (orientation 'LIA') and non-unit spacing. */
function oblique(values: (i: number) => number): Volume {
  return {
    data: Float32Array.from({ length: N }, (_, i) => values(i)),
    shape: [...SHAPE],
    spacingMm: [0.8, 1.2, 2.5],
    affine: AFFINE.map((row) => [...row]),
    orientation: orientationFromAffine(AFFINE),
  };
}

/**
 * Three NIfTI cases: a float32 image without scaling (fractions and a -0, stored as
 * float32), an int16-range image and a uint8-range image, each with its own uint8 label.
 */
async function niftiFolder(): Promise<string> {
  const root = await tempDir('nasunet-decoded-');
  await mkdir(join(root, 'images'));
  await mkdir(join(root, 'labels'));
  const floats = rawNifti({
    dims: SHAPE,
    datatype: 16,
    values: Array.from({ length: N }, (_, i) => (i === 7 ? -0 : i * 0.37 - 5)),
    pixdim: [0.8, 1.2, 2.5],
    sform: AFFINE.slice(0, 3),
  });
  await writeFile(join(root, 'images', 'a.nii.gz'), gzipSync(floats));
  await writeNifti(
    join(root, 'images', 'b.nii.gz'),
    oblique((i) => i * 97 - 3000),
    'int16',
  );
  await writeNifti(
    join(root, 'images', 'c.nii.gz'),
    oblique((i) => (i * 13) % 256),
    'uint8',
  );
  for (const [k, id] of ['a', 'b', 'c'].entries()) {
    await writeNifti(
      join(root, 'labels', `${id}.nii.gz`),
      oblique((i) => (i + k) % 3),
      'uint8',
    );
  }
  return root;
}

/** Entry files of a cache folder, sorted. */
async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.vol')).sort();
}

/** Every case's volumes as plain values, for exact comparison (typed-array bytes, -0 included). */
function volumes(ds: Dataset): unknown[] {
  return ds.cases.map((c) => ({ id: c.id, image: c.image, label: c.label }));
}

test('a second load is served from the cache, equal to the first and to an uncached load', async () => {
  const root = await niftiFolder();
  const dir = join(await tempDir(), 'decoded');
  const first = new DecodedVolumeCache({ dir });
  const cold = await loadFolderDataset(root, { decodedCache: first });
  assert.deepEqual([first.hits, first.misses], [0, 6]);
  assert.equal((await entries(dir)).length, 6);

  const second = new DecodedVolumeCache({ dir });
  const warm = await loadFolderDataset(root, { decodedCache: second });
  assert.deepEqual([second.hits, second.misses], [6, 0]);
  const uncached = await loadFolderDataset(root, { decodedCache: false });
  assert.deepStrictEqual(volumes(warm), volumes(cold));
  assert.deepStrictEqual(volumes(warm), volumes(uncached));
  assert.ok(Object.is(warm.cases[0]?.image.data[7], -0), '-0 kept');
  assert.equal(warm.cases[0]?.image.orientation, 'LIA');
  assert.equal(warm.digest, uncached.digest);

  // What the loader returns is the entry's content: an entry holding other voxels is what it serves.
  const bytes = await readFile(join(root, 'images', 'b.nii.gz'));
  const key = DecodedVolumeCache.key(bytes, 'nifti');
  await writeFile(second.entryPath(key), 'x');
  const planted = oblique((i) => 1000 + i);
  await second.getOrDecode(key, () => planted);
  const served = await loadFolderDataset(root, { decodedCache: new DecodedVolumeCache({ dir }) });
  assert.deepStrictEqual(served.cases[1]?.image, planted);
});

test('a changed source file under the same name is decoded again, not served stale', async () => {
  const root = await niftiFolder();
  const dir = await tempDir();
  await loadFolderDataset(root, { decodedCache: new DecodedVolumeCache({ dir }) });
  const changed = oblique((i) => 2 * i + 1);
  await writeNifti(join(root, 'images', 'a.nii.gz'), changed, 'int16');
  const cache = new DecodedVolumeCache({ dir });
  const ds = await loadFolderDataset(root, { decodedCache: cache });
  assert.deepEqual([cache.hits, cache.misses], [5, 1]);
  assert.deepStrictEqual(ds.cases[0]?.image.data, changed.data);
  assert.equal((await entries(dir)).length, 7);
});

test('corrupt, truncated and foreign entries are ignored and rewritten', async () => {
  const root = await niftiFolder();
  const dir = await tempDir();
  const reference = await loadFolderDataset(root, { decodedCache: false });
  await loadFolderDataset(root, { decodedCache: new DecodedVolumeCache({ dir }) });
  const names = await entries(dir);
  const path = (k: number): string => join(dir, names[k] as string);
  const sizes = await Promise.all(names.map(async (_, k) => (await stat(path(k))).size));
  await truncate(path(0), (sizes[0] as number) - 3); // truncated voxels
  const wrongMagic = await readFile(path(1));
  wrongMagic[0] = 0x21;
  await writeFile(path(1), wrongMagic);
  await writeFile(path(2), await readFile(path(3))); // another file's entry under this key
  const badLength = await readFile(path(4));
  badLength.writeUInt32LE(0xffffff, 8); // header length past the end
  await writeFile(path(4), badLength);
  const bigger = await readFile(path(5));
  await writeFile(path(5), Buffer.concat([bigger, Buffer.alloc(4)])); // trailing bytes

  const cache = new DecodedVolumeCache({ dir });
  const ds = await loadFolderDataset(root, { decodedCache: cache });
  assert.deepEqual([cache.hits, cache.misses], [1, 5]);
  assert.deepStrictEqual(volumes(ds), volumes(reference));
  const after = await Promise.all(names.map(async (_, k) => (await stat(path(k))).size));
  assert.deepEqual(after, sizes, 'every entry rewritten whole');
  const again = new DecodedVolumeCache({ dir });
  await loadFolderDataset(root, { decodedCache: again });
  assert.deepEqual([again.hits, again.misses], [6, 0]);
});

test('2D images and masks: served from the cache, 0/255 masks still mapped to 0/1', async () => {
  const root = await tempDir();
  await mkdir(join(root, 'images'));
  await mkdir(join(root, 'masks'));
  for (const id of ['p', 'q']) {
    const px = Array.from({ length: 12 }, (_, i) => (i * 21 + id.charCodeAt(0)) % 256);
    await writeFile(join(root, 'images', `${id}.png`), encodePngGray(px, 4, 3));
    await writeFile(
      join(root, 'masks', `${id}.png`),
      encodePngGray(
        px.map((v) => (v > 128 ? 255 : 0)),
        4,
        3,
      ),
    );
  }
  const dir = await tempDir();
  const cold = await loadFolderDataset(root, { decodedCache: new DecodedVolumeCache({ dir }) });
  const cache = new DecodedVolumeCache({ dir });
  const warm = await loadFolderDataset(root, { decodedCache: cache });
  assert.deepEqual([cache.hits, cache.misses], [4, 0]);
  assert.deepStrictEqual(volumes(warm), volumes(cold));
  assert.deepEqual(new Set(warm.cases[0]?.label?.data), new Set([0, 1]));
});

test('the folder comes from the environment; off or empty disables the cache and writes nothing', async () => {
  assert.equal(decodedCacheFromEnv({ NASUNET_DECODED_CACHE_DIR: 'off' }), undefined);
  assert.equal(decodedCacheFromEnv({ NASUNET_DECODED_CACHE_DIR: '' }), undefined);
  assert.equal(decodedCacheFromEnv({ NASUNET_DECODED_CACHE_DIR: '/srv/d' })?.dir, '/srv/d');
  assert.equal(decodedCacheFromEnv({ XDG_CACHE_HOME: '/x/c' })?.dir, '/x/c/nasunet/decoded');
  assert.equal(decodedCacheFromEnv({})?.dir, join(homedir(), '.cache', 'nasunet', 'decoded'));

  const root = await niftiFolder();
  const xdg = await tempDir();
  const saved = { dir: process.env['NASUNET_DECODED_CACHE_DIR'], xdg: process.env['XDG_CACHE_HOME'] };
  try {
    process.env['XDG_CACHE_HOME'] = xdg;
    process.env['NASUNET_DECODED_CACHE_DIR'] = 'off';
    await loadFolderDataset(root);
    assert.deepEqual(await readdir(xdg), []);
    delete process.env['NASUNET_DECODED_CACHE_DIR'];
    await loadFolderDataset(root);
    assert.equal((await entries(join(xdg, 'nasunet', 'decoded'))).length, 6);
  } finally {
    for (const [name, value] of [
      ['NASUNET_DECODED_CACHE_DIR', saved.dir],
      ['XDG_CACHE_HOME', saved.xdg],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test('prune keeps the most recently used entries within maxBytes', async () => {
  const root = await niftiFolder();
  const dir = await tempDir();
  await loadFolderDataset(root, { decodedCache: new DecodedVolumeCache({ dir }) });
  const names = await entries(dir);
  // Entry k was last used k minutes ago.
  const now = Date.now() / 1000;
  for (const [k, name] of names.entries()) await utimes(join(dir, name), now - 60 * k, now - 60 * k);
  const size = async (name: string): Promise<number> => (await stat(join(dir, name))).size;
  const newest = names.slice(0, 2);
  const budget = (await size(newest[0] as string)) + (await size(newest[1] as string));
  await new DecodedVolumeCache({ dir, maxBytes: budget }).prune();
  assert.deepEqual(await entries(dir), newest);
});
