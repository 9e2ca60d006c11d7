import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, ResourceLimitError } from '../../../libs/core/src/index.js';
import { WorkQueue } from './work-queue.js';

test('the work queue runs `concurrency` at a time, queues `capacity`, refuses the rest, in order', async () => {
  const q = new WorkQueue(1, 2);
  const order: string[] = [];
  let release!: () => void;
  const first = q.run(async () => {
    order.push('a');
    await new Promise<void>((r) => (release = r));
  });
  const b = q.run(async () => void order.push('b'));
  const c = q.run(async () => void order.push('c'));
  assert.deepEqual(q.load, { active: 1, waiting: 2 });
  await assert.rejects(
    q.run(async () => void order.push('d')),
    ResourceLimitError,
  );
  release();
  await Promise.all([first, b, c]);
  assert.deepEqual(order, ['a', 'b', 'c']);
  assert.deepEqual(q.load, { active: 0, waiting: 0 });
});

test('a request cancelled while it waited does not run, and its turn passes on', async () => {
  const q = new WorkQueue(1, 4);
  let release!: () => void;
  const first = q.run(() => new Promise<void>((r) => (release = r)));
  let cancelled = false;
  const ran: string[] = [];
  const gone = q.run(
    async () => void ran.push('gone'),
    () => {
      if (cancelled) throw new CancelledError('the client cancelled the request');
    },
  );
  const next = q.run(async () => void ran.push('next'));
  cancelled = true;
  release();
  await first;
  await assert.rejects(gone, CancelledError);
  await next;
  assert.deepEqual(ran, ['next']);
  assert.deepEqual(q.load, { active: 0, waiting: 0 });
});
