import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor4D } from './tf.js';
import { initBackend } from './backend.js';
import {
  channelShuffle,
  conv2dSame,
  depthwiseConv2dSame,
  groupedConv2d,
  subsample,
  zeroInsertUpsample2x,
} from './ops.js';
import { randomTensor, relMaxError, type Shape4 } from './testing.js';
import { ShapeError } from '../../core/src/errors.js';

before(async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
});

const BACKENDS = ['cpu', 'wasm'] as const;

/** PyTorch's conv2d definition (zero padding `pad`, stride, dilation, groups), NHWC, float64. */
function referenceConv(
  x: Tensor4D,
  w: Tensor4D,
  stride: number,
  dilation: number,
  pad: number,
  groups = 1,
  depthwise = false,
): { data: Float32Array; shape: Shape4 } {
  const [n, h, wd, cin] = x.shape;
  const [k, , wci, wco] = w.shape;
  const xv = x.dataSync();
  const wv = w.dataSync();
  const ho = Math.floor((h + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
  const wo = Math.floor((wd + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
  const cout = depthwise ? cin * wco : wco;
  const out = new Float32Array(n * ho * wo * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let co = 0; co < cout; co++) {
          let s = 0;
          for (let p = 0; p < k; p++)
            for (let q = 0; q < k; q++) {
              const r = i * stride + p * dilation - pad;
              const c = j * stride + q * dilation - pad;
              if (r < 0 || r >= h || c < 0 || c >= wd) continue;
              if (depthwise) {
                const ci = Math.floor(co / wco);
                s +=
                  xv[((b * h + r) * wd + c) * cin + ci]! * wv[((p * k + q) * cin + ci) * wco + (co % wco)]!;
              } else {
                const g = Math.floor(co / (wco / groups));
                for (let cg = 0; cg < wci; cg++) {
                  const ci = g * wci + cg;
                  s += xv[((b * h + r) * wd + c) * cin + ci]! * wv[((p * k + q) * wci + cg) * wco + co]!;
                }
              }
            }
          out[((b * ho + i) * wo + j) * cout + co] = s;
        }
  return { data: out, shape: [n, ho, wo, cout] };
}

function assertClose(t: Tensor4D, ref: { data: Float32Array; shape: Shape4 }, what: string): void {
  assert.deepEqual(t.shape, ref.shape, `${what}: shape`);
  const e = relMaxError(t.dataSync() as Float32Array, ref.data);
  assert.ok(e < 1e-5, `${what}: relative error ${e}`);
}

test('conv2dSame equals the PyTorch definition (padding d*(k-1)/2) for every stride x dilation', () => {
  for (const backend of BACKENDS) {
    tf.setBackend(backend);
    for (const [h, w] of [
      [7, 8],
      [8, 7],
    ] as const) {
      const x = randomTensor([2, h, w, 3], h);
      const k = randomTensor([3, 3, 3, 4], 5);
      for (const s of [1, 2]) {
        for (const d of [1, 2]) {
          const y = conv2dSame(x, k, s, d);
          assert.deepEqual(y.shape, [2, Math.ceil(h / s), Math.ceil(w / s), 4]);
          assertClose(y, referenceConv(x, k, s, d, d), `${backend} conv2dSame ${h}x${w} s${s} d${d}`);
          y.dispose();
        }
      }
      tf.dispose([x, k]);
    }
  }
});

test('conv2dSame stride 2 dilation 2 on a hand-computed 5x5 example', () => {
  for (const backend of BACKENDS) {
    tf.setBackend(backend);
    // x[i][j] = i*5 + j, filter of ones: y[a][b] sums x at rows/cols 2a + {-2, 0, 2} inside 0..4.
    const x = tf.tensor4d(
      Array.from({ length: 25 }, (_, i) => i),
      [1, 5, 5, 1],
    );
    const y = conv2dSame(x, tf.ones([3, 3, 1, 1]) as Tensor4D, 2, 2);
    const rows = [
      [0, 2],
      [0, 2, 4],
      [2, 4],
    ];
    const expected: number[] = [];
    for (const ri of rows)
      for (const cj of rows) expected.push(ri.reduce((s, r) => s + cj.reduce((t, c) => t + r * 5 + c, 0), 0));
    assert.deepEqual(y.shape, [1, 3, 3, 1]);
    assert.deepEqual(Array.from(y.dataSync()), expected);
    tf.dispose([x, y]);
  }
});

test('depthwiseConv2dSame equals the PyTorch definition (multiplier 1 and 2)', () => {
  for (const backend of BACKENDS) {
    tf.setBackend(backend);
    const x = randomTensor([1, 9, 6, 3], 3);
    for (const m of [1, 2]) {
      const k = randomTensor([3, 3, 3, m], 4 + m);
      for (const s of [1, 2]) {
        for (const d of [1, 2]) {
          const y = depthwiseConv2dSame(x, k, s, d);
          assertClose(y, referenceConv(x, k, s, d, d, 1, true), `${backend} depthwise m${m} s${s} d${d}`);
          y.dispose();
        }
      }
      k.dispose();
    }
    x.dispose();
  }
});

test('groupedConv2d equals a grouped convolution and rejects bad group counts', () => {
  for (const backend of BACKENDS) {
    tf.setBackend(backend);
    const x = randomTensor([2, 6, 5, 4], 8);
    const k = randomTensor([3, 3, 2, 6], 9);
    const y = groupedConv2d(x, k, 2, 2, 1);
    assertClose(y, referenceConv(x, k, 2, 1, 1, 2), `${backend} groupedConv2d`);
    assert.throws(() => groupedConv2d(x, k, 3), ShapeError);
    tf.dispose([x, k, y]);
  }
});

test('channelShuffle interleaves the groups', () => {
  const x = tf.tensor4d([0, 1, 2, 3, 4, 5], [1, 1, 1, 6]);
  const y = channelShuffle(x, 2);
  assert.deepEqual(Array.from(y.dataSync()), [0, 3, 1, 4, 2, 5]);
  assert.throws(() => channelShuffle(x, 4), ShapeError);
  tf.dispose([x, y]);
});

test('subsample keeps rows and columns 0, s, 2s, ... for odd and even sizes', () => {
  for (const backend of BACKENDS) {
    tf.setBackend(backend);
    for (const [h, w, s] of [
      [5, 6, 2],
      [7, 7, 3],
      [4, 4, 2],
    ] as const) {
      const x = randomTensor([2, h, w, 3], h * w);
      const y = subsample(x, s);
      const ho = Math.ceil(h / s);
      const wo = Math.ceil(w / s);
      assert.deepEqual(y.shape, [2, ho, wo, 3]);
      const xv = x.dataSync();
      const yv = y.dataSync();
      for (let b = 0; b < 2; b++)
        for (let i = 0; i < ho; i++)
          for (let j = 0; j < wo; j++)
            for (let c = 0; c < 3; c++)
              assert.equal(yv[((b * ho + i) * wo + j) * 3 + c], xv[((b * h + i * s) * w + j * s) * 3 + c]);
      tf.dispose([x, y]);
    }
  }
});

test('zeroInsertUpsample2x then a conv with the flipped kernel equals conv2dTranspose stride 2', () => {
  for (const backend of BACKENDS) {
    tf.setBackend(backend);
    const x = randomTensor([2, 4, 5, 3], 21);
    const k = randomTensor([3, 3, 2, 3], 22); // conv2dTranspose filter: [k, k, out, in]
    const up = zeroInsertUpsample2x(x);
    assert.deepEqual(up.shape, [2, 8, 10, 3]);
    const upv = up.dataSync();
    const xv = x.dataSync();
    assert.equal(upv[((1 * 8 + 2) * 10 + 4) * 3 + 1], xv[((1 * 4 + 1) * 5 + 2) * 3 + 1]);
    assert.equal(upv[((1 * 8 + 3) * 10 + 4) * 3 + 1], 0);
    const flipped = tf.transpose(tf.reverse(k, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
    const viaZeros = tf.conv2d(
      tf.pad(up, [
        [0, 0],
        [2, 0],
        [2, 0],
        [0, 0],
      ]),
      flipped,
      1,
      'valid',
    );
    const viaTranspose = tf.conv2dTranspose(x, k, [2, 8, 10, 2], 2, 'same');
    const e = relMaxError(viaZeros.dataSync() as Float32Array, viaTranspose.dataSync() as Float32Array);
    assert.ok(e < 1e-5, `${backend}: relative error ${e}`);
    tf.dispose([x, k, up, flipped, viaZeros, viaTranspose]);
  }
});

test('the zero-insertion gradient is dy at the inserted positions, on every backend', () => {
  for (const backend of BACKENDS) {
    tf.setBackend(backend);
    const x = randomTensor([2, 3, 4, 2], 31);
    const r = randomTensor([2, 6, 8, 2], 32);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(zeroInsertUpsample2x(v as Tensor4D), r)))(x);
    assert.deepEqual(g.shape, [2, 3, 4, 2]);
    const gv = g.dataSync();
    const rv = r.dataSync();
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++)
          for (let c = 0; c < 2; c++)
            assert.equal(gv[((b * 3 + i) * 4 + j) * 2 + c], rv[((b * 6 + 2 * i) * 8 + 2 * j) * 2 + c]);
    tf.dispose([x, r, g]);
  }
});

test('stride = dilation convs: values and gradients equal the dilated stride-1 conv then subsample', () => {
  tf.setBackend('wasm');
  for (const [h, w] of [
    [8, 8],
    [7, 9],
  ] as const) {
    const x = randomTensor([2, h, w, 4], h + w);
    const k = randomTensor([3, 3, 4, 5], 41);
    const dk = randomTensor([3, 3, 4, 1], 42);
    const pad: [[0, 0], [2, 2], [2, 2], [0, 0]] = [
      [0, 0],
      [2, 2],
      [2, 2],
      [0, 0],
    ];
    const pairs: Array<
      [(a: Tensor4D, b: Tensor4D) => tf.Tensor, (a: Tensor4D, b: Tensor4D) => tf.Tensor, Tensor4D]
    > = [
      [(a, b) => conv2dSame(a, b, 2, 2), (a, b) => subsample(tf.conv2d(a, b, 1, pad, 'NHWC', 2), 2), k],
      [
        (a, b) => depthwiseConv2dSame(a, b, 2, 2),
        (a, b) => subsample(tf.depthwiseConv2d(a, b, 1, pad, 'NHWC', 2), 2),
        dk,
      ],
    ];
    for (const [fast, definition, filter] of pairs) {
      const r = randomTensor(definition(x, filter).shape as Shape4, 43);
      const run = (f: (a: Tensor4D, b: Tensor4D) => tf.Tensor): Float32Array[] => {
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(f(a as Tensor4D, b as Tensor4D), r)),
        )([x, filter]);
        const out = [f(x, filter), ...grads, value].map((t) => t.dataSync() as Float32Array);
        return out;
      };
      const got = run(fast);
      const want = run(definition);
      got.forEach((v, i) => {
        const e = relMaxError(v, want[i]!);
        assert.ok(e < 1e-5, `${h}x${w}, output ${i}: relative error ${e}`);
      });
      r.dispose();
    }
    tf.dispose([x, k, dk]);
  }
});

test('ops leak no tensors', () => {
  tf.setBackend('wasm');
  const x = randomTensor([1, 6, 6, 4], 1);
  const k = randomTensor([3, 3, 4, 4], 2);
  const before = tf.memory().numTensors;
  const outs = [
    conv2dSame(x, k, 2, 2),
    depthwiseConv2dSame(x, tf.slice(k, [0, 0, 0, 0], [3, 3, 4, 1]) as Tensor4D, 2, 2),
    groupedConv2d(x, tf.slice(k, [0, 0, 0, 0], [3, 3, 2, 4]) as Tensor4D, 2),
    channelShuffle(x, 2),
    subsample(x, 2),
    zeroInsertUpsample2x(x),
  ];
  // The two slices above are the only extra tensors besides the outputs.
  assert.equal(tf.memory().numTensors, before + outs.length + 2);
  tf.dispose([x, k, ...outs]);
});
