import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import omggif from 'omggif';
import UTIF from 'utif2';
import { DataFormatError, NotFoundError } from '../../core/src/index.js';
import { encodePngGray, loadDataset, parseDatasetRef } from './index.js';
import { hippocampusDir, rawNifti, tempDir } from './fixtures.js';

const HIPPO = hippocampusDir();
const skipReal = HIPPO ? false : 'shared data ../shared/data/msd-hippocampus is absent (present in CI)';

/** Writes a gzip NIfTI (uint8) of the given shape filled by fn(i). */
async function writeNii(path: string, dims: number[], fn: (i: number) => number): Promise<void> {
  const n = dims.reduce((a, b) => a * b, 1);
  await writeFile(
    path,
    gzipSync(rawNifti({ dims, datatype: 2, values: Array.from({ length: n }, (_, i) => fn(i)) })),
  );
}

async function pairsFolder(): Promise<string> {
  const root = await tempDir();
  await mkdir(join(root, 'images'));
  await mkdir(join(root, 'labels'));
  for (const id of ['case_b', 'case_a', 'case_c']) {
    await writeNii(join(root, 'images', `${id}.nii.gz`), [4, 3, 2], (i) => i * 2);
    await writeNii(join(root, 'labels', `${id}.nii.gz`), [4, 3, 2], (i) => (i % 5 === 0 ? 1 : 0));
  }
  return root;
}

test(
  'MSD images/labels pairs: real cases load with classes and a stable digest',
  { skip: skipReal },
  async () => {
    const ds = await loadDataset({ kind: 'folder', path: HIPPO as string }, { maxCases: 3 });
    assert.equal(ds.kind, 'pairs');
    assert.deepEqual(
      ds.cases.map((c) => c.id),
      ['hippocampus_001', 'hippocampus_003', 'hippocampus_004'],
    );
    assert.deepEqual(ds.cases[0]?.image.shape, [35, 51, 35]);
    assert.deepEqual(ds.cases[2]?.image.shape, [36, 52, 38]);
    assert.deepEqual(ds.cases[0]?.files, {
      image: 'images/hippocampus_001.nii.gz',
      label: 'labels/hippocampus_001.nii.gz',
    });
    assert.deepEqual(
      ds.classes.map((c) => c.code),
      [0, 1, 2],
    );
    assert.equal(ds.volumetric, true);
    assert.match(ds.digest, /^[0-9a-f]{64}$/);
    const again = await loadDataset(HIPPO as string, { maxCases: 3 });
    assert.equal(again.digest, ds.digest);
  },
);

test('dataset.json layout: class names from labels, paths relative to the root', async () => {
  const root = await tempDir();
  await mkdir(join(root, 'imagesTr'));
  await mkdir(join(root, 'labelsTr'));
  for (const id of ['p_2', 'p_1']) {
    await writeNii(join(root, 'imagesTr', `${id}.nii.gz`), [2, 2, 3], (i) => i);
    await writeNii(join(root, 'labelsTr', `${id}.nii.gz`), [2, 2, 3], (i) => i % 3);
  }
  const json = {
    name: 'Toy',
    labels: { '0': 'background', '1': 'Anterior', '2': 'Posterior' },
    training: [
      { image: './imagesTr/p_2.nii.gz', label: './labelsTr/p_2.nii.gz' },
      { image: './imagesTr/p_1.nii.gz', label: './labelsTr/p_1.nii.gz' },
    ],
  };
  await writeFile(join(root, 'dataset.json'), JSON.stringify(json));
  const ds = await loadDataset(root);
  assert.equal(ds.kind, 'msd');
  assert.equal(ds.name, 'Toy');
  assert.deepEqual(ds.classes, [
    { code: 0, name: 'background' },
    { code: 1, name: 'Anterior' },
    { code: 2, name: 'Posterior' },
  ]);
  assert.deepEqual(
    ds.cases.map((c) => c.id),
    ['p_1', 'p_2'],
  );
  assert.deepEqual([...(ds.cases[0]?.label?.data ?? [])], [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
});

test('2D image + mask folder: PNG, TIFF and GIF; 0/255 masks become 0/1', async () => {
  const root = await tempDir();
  await mkdir(join(root, 'images'));
  await mkdir(join(root, 'masks'));
  const w = 5;
  const h = 3;
  const img = Array.from({ length: w * h }, (_, i) => i * 10);
  const mask = Array.from({ length: w * h }, (_, i) => (i % w >= 3 ? 255 : 0));
  await writeFile(join(root, 'images', 'a.png'), encodePngGray(img, w, h));
  await writeFile(join(root, 'masks', 'a.png'), encodePngGray(mask, w, h));
  const rgba = new Uint8Array(w * h * 4);
  img.forEach((v, i) => rgba.set([v, v, v, 255], 4 * i));
  await writeFile(join(root, 'images', 'b.tif'), Buffer.from(UTIF.encodeImage(rgba, w, h)));
  // GIF mask with a 2-colour palette (black, white).
  const gifBuf = new Uint8Array(1024);
  const writer = new omggif.GifWriter(gifBuf, w, h, { palette: [0x000000, 0xffffff] });
  writer.addFrame(
    0,
    0,
    w,
    h,
    mask.map((m) => (m ? 1 : 0)),
  );
  await writeFile(join(root, 'masks', 'b.gif'), gifBuf.subarray(0, writer.end()));
  const ds = await loadDataset(root);
  assert.equal(ds.kind, 'folder2d');
  assert.equal(ds.volumetric, false);
  assert.deepEqual(
    ds.cases.map((c) => c.id),
    ['a', 'b'],
  );
  for (const c of ds.cases) {
    assert.deepEqual(c.image.shape, [5, 3, 1]);
    assert.deepEqual([...c.image.data], img);
    assert.deepEqual(
      [...(c.label?.data ?? [])],
      mask.map((m) => (m ? 1 : 0)),
    );
  }
  assert.deepEqual(
    ds.classes.map((c) => c.code),
    [0, 1],
  );
});

test('missing dataset folder -> NotFoundError naming it', async () => {
  const dir = join(await tempDir(), 'no-such-dataset');
  await assert.rejects(
    loadDataset(dir),
    (e: unknown) => e instanceof NotFoundError && e.message.includes(dir),
  );
});

test('label of a different shape -> DataFormatError naming the label file; skip records it', async () => {
  const root = await pairsFolder();
  const badLabel = join(root, 'labels', 'case_b.nii.gz');
  await writeNii(badLabel, [4, 3, 3], () => 0);
  await assert.rejects(
    loadDataset(root),
    (e: unknown) =>
      e instanceof DataFormatError &&
      e.message.includes(badLabel) &&
      /differs from image shape 4x3x2/.test(e.message),
  );
  const ds = await loadDataset(root, { onBadCase: 'skip' });
  assert.deepEqual(
    ds.cases.map((c) => c.id),
    ['case_a', 'case_c'],
  );
  assert.equal(ds.skipped.length, 1);
  assert.equal(ds.skipped[0]?.file, badLabel);
  assert.match(ds.skipped[0]?.reason ?? '', /label shape 4x3x3/);
});

test('truncated .nii.gz image -> DataFormatError naming the file; skip goes on', async () => {
  const root = await pairsFolder();
  const img = join(root, 'images', 'case_c.nii.gz');
  const full = gzipSync(
    rawNifti({ dims: [4, 3, 2], datatype: 2, values: Array.from({ length: 24 }, (_, i) => i) }),
  );
  await writeFile(img, full.subarray(0, full.length - 20));
  await assert.rejects(
    loadDataset(root),
    (e: unknown) => e instanceof DataFormatError && e.message.includes(img),
  );
  const progress: string[] = [];
  const ds = await loadDataset(root, { onBadCase: 'skip', onProgress: (d, t) => progress.push(`${d}/${t}`) });
  assert.deepEqual(
    ds.cases.map((c) => c.id),
    ['case_a', 'case_b'],
  );
  assert.deepEqual(progress, ['1/3', '2/3', '3/3']);
  assert.equal(ds.skipped[0]?.file, img);
});

test('missing label file -> NotFoundError naming the image; labels optional on request', async () => {
  const root = await pairsFolder();
  await writeNii(join(root, 'images', 'case_d.nii.gz'), [4, 3, 2], () => 1);
  await assert.rejects(
    loadDataset(root),
    (e: unknown) => e instanceof NotFoundError && e.message.includes('case_d.nii.gz'),
  );
  const ds = await loadDataset(root, { requireLabels: false });
  assert.equal(ds.cases.length, 4);
  assert.equal(ds.cases[3]?.label, undefined);
});

test('label values outside the declared classes are reported with the file', async () => {
  const root = await pairsFolder();
  await writeFile(
    join(root, 'dataset.json'),
    JSON.stringify({
      labels: { '0': 'bg' },
      training: [{ image: 'images/case_a.nii.gz', label: 'labels/case_a.nii.gz' }],
    }),
  );
  await assert.rejects(
    loadDataset(root),
    (e: unknown) => e instanceof DataFormatError && /case_a\.nii\.gz: label value 1/.test(e.message),
  );
});

test('parseDatasetRef handles synthetic options and paths, rejecting bad keys', () => {
  assert.deepEqual(parseDatasetRef('synthetic'), { kind: 'synthetic' });
  assert.deepEqual(parseDatasetRef('synthetic:count=5,size=32,seed=7'), {
    kind: 'synthetic',
    count: 5,
    size: 32,
    seed: 7,
  });
  assert.deepEqual(parseDatasetRef('/data/x'), { kind: 'folder', path: '/data/x' });
  assert.throws(() => parseDatasetRef('synthetic:colour=3'), /unknown synthetic option 'colour'/);
  assert.throws(() => parseDatasetRef('synthetic:size=big'), /size needs a number/);
});
