/** multipart/related bodies: what joinMultipart writes splits back exactly; malformed bodies and too many parts are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataFormatError, ResourceLimitError } from '../../core/src/index.js';
import { boundaryOf, joinMultipart, splitMultipart } from './index.js';

test('parts round-trip, including bytes that look like a line break and a boundary prefix', () => {
  const parts = [
    new Uint8Array([1, 2, 13, 10, 45, 45]),
    new Uint8Array(0),
    new TextEncoder().encode('\r\n--x'),
  ];
  const { body, contentType } = joinMultipart(parts);
  const boundary = boundaryOf(contentType)!;
  assert.match(boundary, /^nasunet-[0-9a-f]{32}$/);
  assert.deepEqual(
    splitMultipart(body, boundary, 10).map((p) => [...p]),
    parts.map((p) => [...p]),
  );
  assert.equal(boundaryOf('multipart/related; type="application/dicom"; boundary="a b"'), 'a b');
  assert.equal(boundaryOf('application/dicom+json'), undefined);
});

test('a cut-off body, a body without boundary and too many parts are refused', () => {
  const { body, contentType } = joinMultipart([new Uint8Array([1]), new Uint8Array([2])]);
  const boundary = boundaryOf(contentType)!;
  assert.throws(() => splitMultipart(body.subarray(0, body.length - 30), boundary, 10), DataFormatError);
  assert.throws(() => splitMultipart(new Uint8Array([1, 2, 3]), boundary, 10), DataFormatError);
  assert.throws(() => splitMultipart(body, boundary, 1), ResourceLimitError);
});
