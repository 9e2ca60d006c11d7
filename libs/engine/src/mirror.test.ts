import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mirrorNhwc, mirroredSteps, plainAndMirroredSteps } from './mirror.js';
import type { ForwardRequest, ForwardSteps } from './forward.js';

/** One request for `x`, returning what it was answered with. */
function* ask(x: Float32Array, shape: ForwardRequest['shape']): ForwardSteps<Float32Array> {
  return yield { x, shape };
}

/** Drives `steps`, answering each request with `model`; returns the result and the requests seen. */
function drive<T>(
  steps: ForwardSteps<T>,
  model: (r: ForwardRequest) => Float32Array,
): { out: T; seen: ForwardRequest[] } {
  const seen: ForwardRequest[] = [];
  let r = steps.next();
  while (!r.done) {
    seen.push(r.value);
    r = steps.next(model(r.value));
  }
  return { out: r.value, seen };
}

test('mirrorNhwc reverses columns, rows or both and keeps the channels of each pixel together', () => {
  // n = 1, h = 2, w = 3, c = 2: pixel (r, q) holds [10r + q, -(10r + q)].
  const x = Float32Array.from([0, -0, 1, -1, 2, -2, 10, -10, 11, -11, 12, -12]);
  const shape = [1, 2, 3, 2] as const;
  assert.deepEqual([...mirrorNhwc(x, shape, ['width'])], [2, -2, 1, -1, 0, -0, 12, -12, 11, -11, 10, -10]);
  assert.deepEqual([...mirrorNhwc(x, shape, ['height'])], [10, -10, 11, -11, 12, -12, 0, -0, 1, -1, 2, -2]);
  assert.deepEqual(
    [...mirrorNhwc(x, shape, ['width', 'height'])],
    [12, -12, 11, -11, 10, -10, 2, -2, 1, -1, 0, -0],
  );
  assert.deepEqual([...mirrorNhwc(mirrorNhwc(x, shape, ['width']), shape, ['width'])], [...x]);
});

test('mirroredSteps averages the answer for the image with the mirrored-back answers for its copies', () => {
  // A "network" that is not mirror-symmetric: class-1 probability = its input plus 0.1 x column.
  const h = 1;
  const w = 4;
  const model = (r: ForwardRequest): Float32Array => {
    const out = new Float32Array(r.x.length * 2);
    r.x.forEach((v, i) => {
      const p1 = v + 0.1 * (i % w);
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    });
    return out;
  };
  const x = Float32Array.from([0, 0.2, 0.4, 0]);
  const { out, seen } = drive(mirroredSteps(ask(x, [1, h, w, 1]), ['width']), model);
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[1]!.x, Float32Array.from([0, 0.4, 0.2, 0]));
  // Pixel q: (x[q] + 0.1 q + x[q] + 0.1 (w - 1 - q)) / 2 = x[q] + 0.15.
  const p1 = [...out].filter((_, i) => i % 2 === 1);
  p1.forEach((v, q) => assert.ok(Math.abs(v - ((x[q] as number) + 0.15)) < 1e-6, `pixel ${q}: ${v}`));
  // Two axes: four passes per request; nothing mirrored: the steps themselves.
  assert.equal(drive(mirroredSteps(ask(x, [1, 2, 2, 1]), ['width', 'height']), model).seen.length, 4);
  assert.equal(drive(mirroredSteps(ask(x, [1, h, w, 1]), []), model).seen.length, 1);
});

test('plainAndMirroredSteps gives both answers of two separate runs with one pass fewer per request', () => {
  // The same asymmetric "network" as above, over two requests of a 1 x 2 x 3 image each.
  const model = (r: ForwardRequest): Float32Array => {
    const out = new Float32Array(r.x.length * 2);
    r.x.forEach((v, i) => {
      out[2 * i] = 1 - v - 0.05 * (i % 3);
      out[2 * i + 1] = v + 0.05 * (i % 3);
    });
    return out;
  };
  function* two(): ForwardSteps<Float32Array[]> {
    const a = yield { x: Float32Array.from([0, 0.1, 0.5, 0.2, 0.9, 0.3]), shape: [1, 2, 3, 1] };
    const b = yield { x: Float32Array.from([0.7, 0, 0, 0.4, 0.1, 0.6]), shape: [1, 2, 3, 1] };
    return [a, b];
  }
  for (const axes of [['width'], ['width', 'height']] as const) {
    const both = drive(plainAndMirroredSteps(two(), two(), axes), model);
    const plain = drive(two(), model);
    const mirrored = drive(mirroredSteps(two(), axes), model);
    assert.deepEqual(both.out.plain, plain.out);
    assert.deepEqual(both.out.mirrored, mirrored.out);
    // Both answers for the passes of the mirrored run alone (2 requests x 2^axes).
    assert.equal(both.seen.length, mirrored.seen.length);
    assert.equal(both.seen.length, 2 * (1 << axes.length));
  }
  function* one(): ForwardSteps<Float32Array[]> {
    return [yield { x: new Float32Array(6), shape: [1, 2, 3, 1] }];
  }
  assert.throws(() => drive(plainAndMirroredSteps(two(), one(), ['width']), model), /different requests/);
});
