/**
 * WorkerLink with real worker threads: replies and events reach the request, a domain
 * error comes back as the same class (same gRPC status), anything else and a crashed
 * worker as BackendError, and a crashed link refuses later requests at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { BackendError, ValidationError } from './errors.js';
import { WorkerLink, movableBuffers } from './worker-link.js';

type Req = { mode: string; n?: number };
type Rep = { type: 'doubled'; value: number };

const open = (): WorkerLink<Req, Rep> =>
  new WorkerLink(new Worker(new URL('./worker-link.fixture.js', import.meta.url)), 'test worker');

test('a reply settles the request; the events posted before it reach its listener', async () => {
  const link = open();
  try {
    const events: unknown[] = [];
    const reply = await link.request({ mode: 'echo', n: 21 }, [], (e) => events.push(e));
    assert.deepEqual(reply, { type: 'doubled', value: 42 });
    assert.deepEqual(events, [1, 2]);
  } finally {
    await link.close();
  }
});

test('a domain error comes back as its class; another error and a crash as BackendError', async () => {
  const link = open();
  try {
    await assert.rejects(
      link.request({ mode: 'fail' }),
      (e) => e instanceof ValidationError && e.message === 'image.raw: height must be >= 1',
    );
    await assert.rejects(
      link.request({ mode: 'bug' }),
      (e) => e instanceof BackendError && /test worker failed: cannot read/.test(e.message),
    );
    assert.equal(link.failed, false, 'a failed request leaves the worker usable');
    await assert.rejects(
      link.request({ mode: 'crash' }),
      (e) => e instanceof BackendError && /test worker exited \(code 3\)/.test(e.message),
    );
    assert.equal(link.failed, true);
    await assert.rejects(link.request({ mode: 'echo', n: 1 }), BackendError);
  } finally {
    await link.close();
  }
});

test('only buffers that views cover whole can move to another thread', () => {
  const whole = new Uint8Array(16);
  const part = new Uint8Array(new ArrayBuffer(32), 8, 16);
  const small = Buffer.from('pooled');
  assert.deepEqual(movableBuffers([whole, part, small, whole]), [whole.buffer]);
});
