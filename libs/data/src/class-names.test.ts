/**
 * Foreground class names given by the user: checked and counted against the data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../core/src/index.js';
import { checkClassNames, nameForegroundClasses } from './index.js';

const CLASSES = [
  { code: 0, name: 'background' },
  { code: 1, name: 'class_1' },
  { code: 3, name: 'class_3' },
];

test('names replace the foreground names in code order; background keeps its name', () => {
  assert.deepEqual(nameForegroundClasses(CLASSES, ['anterior', 'posterior']), [
    { code: 0, name: 'background' },
    { code: 1, name: 'anterior' },
    { code: 3, name: 'posterior' },
  ]);
});

test('a wrong count, blank, over-long or repeated names are refused with the reason', () => {
  assert.throws(
    () => nameForegroundClasses(CLASSES, ['background', 'anterior', 'posterior']),
    (e: Error) =>
      e instanceof ValidationError &&
      /3 class name\(s\) given.*2 foreground class\(es\) \(label codes 1, 3\)/.test(e.message),
  );
  assert.throws(() => checkClassNames(['a', ' ']), /class name 2/);
  assert.throws(() => checkClassNames(['x'.repeat(65)]), /1\.\.64 characters/);
  assert.throws(() => checkClassNames(['a', 'a']), /'a' is given twice/);
});
