import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutServerPaths } from './server-paths.js';

test('server paths and file URIs leave messages; other text stays', () => {
  assert.equal(
    withoutServerPaths('cannot read /data/training/cache/ab12/images/DOE_JOHN.nii.gz: truncated'),
    'cannot read <server path>: truncated',
  );
  assert.equal(
    withoutServerPaths('dataset directory of uri "file:///srv/pacs/export" not found'),
    'dataset directory of uri "<server path>" not found',
  );
  assert.equal(
    withoutServerPaths('batch 4/8, 3/4 of the slices; lr 1e-3'),
    'batch 4/8, 3/4 of the slices; lr 1e-3',
  );
  assert.equal(withoutServerPaths('model my-model:2 not found'), 'model my-model:2 not found');
});
