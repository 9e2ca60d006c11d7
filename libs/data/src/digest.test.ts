import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, digestFiles, digestJson } from './index.js';
import { tempDir } from './fixtures.js';

test('file digest follows the documented byte stream and ignores listing order', async () => {
  const root = await tempDir();
  await mkdir(join(root, 'images'));
  await writeFile(join(root, 'images', 'b.nii'), 'BB');
  await writeFile(join(root, 'a.json'), '{}');
  const expected = createHash('sha256')
    .update('a.json\u00002\u0000{}images/b.nii\u00002\u0000BB')
    .digest('hex');
  assert.equal(await digestFiles(root, ['images/b.nii', 'a.json']), expected);
  assert.equal(await digestFiles(root, ['a.json', 'images/b.nii']), expected);
  await writeFile(join(root, 'images', 'b.nii'), 'BC');
  assert.notEqual(await digestFiles(root, ['a.json', 'images/b.nii']), expected);
});

test('JSON digest is independent of key order', () => {
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
  assert.equal(digestJson({ x: 1, y: 2 }), digestJson({ y: 2, x: 1 }));
  assert.notEqual(digestJson({ x: 1 }), digestJson({ x: 2 }));
});
