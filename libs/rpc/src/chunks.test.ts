import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Subject } from 'rxjs';
import { CancelledError, ResourceLimitError } from '../../core/src/index.js';
import { collectChunks, observableToAsyncIterable, splitChunks } from './chunks.js';

test('splitChunks covers the bytes in order with chunks of at most N bytes', () => {
  const bytes = Uint8Array.from({ length: 10 }, (_, i) => i * 3);
  const chunks = [...splitChunks(bytes, 4)];
  assert.deepEqual(
    chunks.map((c) => c.byteLength),
    [4, 4, 2],
  );
  assert.deepEqual([...chunks[2]!], [24, 27]);
  assert.deepEqual(
    [...splitChunks(new Uint8Array(0), 4)].map((c) => c.byteLength),
    [0],
  );
  assert.throws(() => [...splitChunks(bytes, 0)], /chunkBytes/);
});

test('collectChunks concatenates and enforces the size limit', async () => {
  async function* gen(sizes: number[]) {
    for (const s of sizes) yield new Uint8Array(s).fill(s);
  }
  const all = await collectChunks(gen([2, 3]), 5);
  assert.deepEqual([...all], [2, 2, 3, 3, 3]);
  await assert.rejects(
    collectChunks(gen([2, 4]), 5, 'volume'),
    (e: unknown) => e instanceof ResourceLimitError && /volume exceeds the limit of 5 bytes/.test(e.message),
  );
});

test('observableToAsyncIterable buffers values emitted before reading', async () => {
  const s = new Subject<number>();
  const it = observableToAsyncIterable(s);
  s.next(1);
  s.next(2);
  s.complete();
  const got: number[] = [];
  for await (const v of it) got.push(v);
  assert.deepEqual(got, [1, 2]);
});

test('a request stream that ends because the call was cancelled throws CancelledError', async () => {
  const s = new Subject<number>();
  const call = { cancelled: false };
  const it = observableToAsyncIterable(s, call);
  s.next(1);
  s.complete();
  // As grpc-js does: the stream ends first, the call is marked cancelled a few turns later.
  setImmediate(() => setImmediate(() => setTimeout(() => (call.cancelled = true), 5)));
  const got: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const v of it) got.push(v);
    })(),
    CancelledError,
  );
  assert.deepEqual(got, [1]);
});
