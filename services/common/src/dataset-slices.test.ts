/**
 * A job's slices carry the class names registered with the dataset (what `--class-names`
 * gave), not only the codes the label files hold, and the classes keep dataset.json's
 * segment codes (which the training service records in the bundle).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreconditionError } from '../../../libs/core/src/index.js';
import { encodeNifti, makeVolume } from '../../../libs/data/src/index.js';
import { prepareSlices } from './dataset-slices.js';

const root = mkdtempSync(join(tmpdir(), 'nasunet-slices-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'images'));
mkdirSync(join(root, 'labels'));
for (const id of ['a', 'b', 'c']) {
  const n = 8 * 8;
  writeFileSync(
    join(root, 'images', `${id}.nii.gz`),
    encodeNifti(makeVolume(new Float32Array(n).fill(1), [8, 8, 1]), 'float32', true),
  );
  const label = Float32Array.from({ length: n }, (_, i) => i % 3);
  writeFileSync(
    join(root, 'labels', `${id}.nii.gz`),
    encodeNifti(makeVolume(label, [8, 8, 1]), 'uint8', true),
  );
}
const options = { padMultiple: 4, validationFraction: 0.34, seed: 0 };

test('registered class names name the classes of every slice set', async () => {
  const named = await prepareSlices(root, {
    ...options,
    classNames: ['background', 'anterior', 'posterior'],
  });
  assert.deepEqual(named.classes, [
    { code: 0, name: 'background' },
    { code: 1, name: 'anterior' },
    { code: 2, name: 'posterior' },
  ]);
  assert.deepEqual(named.train.classNames, ['background', 'anterior', 'posterior']);
  const plain = await prepareSlices(root, options);
  assert.deepEqual(plain.train.classNames, ['background', 'class_1', 'class_2']);
});

test('registered names that do not count the classes of the labels are refused', async () => {
  await assert.rejects(
    prepareSlices(root, { ...options, classNames: ['background', 'organ'] }),
    (e: Error) =>
      e instanceof PreconditionError && /registered with 2 class names .* hold 3 classes/.test(e.message),
  );
});

test("dataset.json's segmentCodes stay with their classes under registered names", async () => {
  const msd = join(root, 'msd');
  mkdirSync(msd);
  const training = ['a', 'b', 'c'].map((id) => ({
    image: `../images/${id}.nii.gz`,
    label: `../labels/${id}.nii.gz`,
  }));
  const code = (value: string, meaning: string) => ({ value, scheme: 'SCT', meaning });
  const posterior = {
    category: code('91723000', 'Anatomical Structure'),
    type: code('5366008', 'Hippocampus'),
    modifier: code('255551008', 'Posterior'),
  };
  writeFileSync(join(msd, 'dataset.json'), JSON.stringify({ training, segmentCodes: { '2': posterior } }));
  const prepared = await prepareSlices(msd, { ...options, classNames: ['background', 'front', 'back'] });
  assert.deepEqual(prepared.classes, [
    { code: 0, name: 'background' },
    { code: 1, name: 'front' },
    { code: 2, name: 'back', segment: posterior },
  ]);
});
