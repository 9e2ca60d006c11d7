/**
 * A worker thread for worker-link.test.ts; what it does is chosen by the request's `mode`:
 * - `echo`: posts two events, then answers the request's `n` doubled;
 * - `fail`: fails with a ValidationError;
 * - `bug`: fails with a TypeError (not a domain error);
 * - `crash`: exits with code 3 without answering.
 */
import { parentPort } from 'node:worker_threads';
import { ValidationError } from './errors.js';
import { describeError } from './worker-link.js';

const port = parentPort!;
port.on('message', (m: { mode: string; n: number }) => {
  try {
    if (m.mode === 'echo') {
      port.postMessage({ type: 'event', event: 1 });
      port.postMessage({ type: 'event', event: 2 });
      port.postMessage({ type: 'doubled', value: 2 * m.n });
    } else if (m.mode === 'fail') {
      throw new ValidationError('image.raw: height must be >= 1');
    } else if (m.mode === 'bug') {
      throw new TypeError('cannot read properties of undefined');
    } else {
      process.exit(3);
    }
  } catch (e) {
    port.postMessage({ type: 'error', error: describeError(e) });
  }
});
