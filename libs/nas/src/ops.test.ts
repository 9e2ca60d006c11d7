import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, type Tensor4D } from '../../tensor/src/index.js';
import { UnknownOpError } from '../../core/src/errors.js';
import {
  ALL_OPS,
  DOWN_OPS,
  NORMAL_OPS,
  OP_NAMES,
  ParamStore,
  UP_OPS,
  createOp,
  registeredOps,
  GroupNorm,
  TransposedConv,
  type OpName,
} from './index.js';

await initBackend({ backend: 'cpu' });

/** Input batch [x, -x] so that ReLU-gated paths (SE hidden unit) are alive for one of the samples. */
function input(c: number, size: number): Tensor4D {
  return tf.tidy(() => {
    const x = tf.add(tf.randomNormal([1, size, size, c], 0, 1, 'float32', 7), 0.5);
    return tf.concat([x, tf.neg(x)], 0) as Tensor4D;
  });
}

function expectedSize(op: OpName, size: number): number {
  if ((DOWN_OPS as readonly string[]).includes(op)) return Math.ceil(size / 2);
  if ((UP_OPS as readonly string[]).includes(op)) return 2 * size;
  return size;
}

test('op sets: keys, order and sizes match the spec', () => {
  assert.deepEqual(
    [...OP_NAMES.down],
    ['avg_pool', 'max_pool', 'down_cweight', 'down_dil_conv', 'down_dep_conv', 'down_conv'],
  );
  assert.deepEqual([...OP_NAMES.up], ['up_cweight', 'up_dep_conv', 'up_conv', 'up_dil_conv']);
  assert.deepEqual(
    [...OP_NAMES.normal],
    ['identity', 'none', 'cweight', 'dil_conv', 'dep_conv', 'shuffle_conv', 'conv'],
  );
  assert.equal(ALL_OPS.length, 17);
  assert.deepEqual([...registeredOps()].sort(), [...ALL_OPS].sort());
});

test('unknown op key throws UnknownOpError listing the valid keys', () => {
  const store = new ParamStore(0);
  assert.throws(
    () => createOp('sep_conv_3x3', store.scope('x'), 4, true),
    (e: unknown) =>
      e instanceof UnknownOpError &&
      e.message.includes('sep_conv_3x3') &&
      e.message.includes('down_dep_conv'),
  );
});

for (const c of [4, 5]) {
  for (const op of ALL_OPS) {
    test(`${op} with C=${c}: output shape, and the gradient reaches every parameter`, () => {
      const store = new ParamStore(3);
      const layer = createOp(op, store.scope(op), c, true);
      for (const size of [8, 6]) {
        const x = input(c, size);
        const y = layer.apply(x);
        const s = expectedSize(op, size);
        assert.deepEqual(y.shape, [2, s, s, c], `${op} on ${size}x${size}`);
        tf.dispose([x, y]);
      }
      const x = input(c, 8);
      const r = tf.randomNormal(layer.apply(x).shape, 0, 1, 'float32', 11);
      const params = store.list();
      if (params.length === 0) {
        // parameter-free op: the gradient reaches the input (none: exactly zero)
        const g = tf.grad((xi) => tf.sum(tf.mul(layer.apply(xi as Tensor4D), r)))(x);
        const gAbs = tf.sum(tf.abs(g)).dataSync()[0]!;
        if (op === 'none') assert.equal(gAbs, 0);
        else assert.ok(gAbs > 0, `${op}: zero input gradient`);
        tf.dispose(g);
      } else {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.mul(layer.apply(x), r)),
          params.map((p) => p.variable),
        );
        for (const p of params) {
          const g = grads[p.variable.name]!;
          const norm = tf.sum(tf.abs(g)).dataSync()[0]!;
          assert.ok(Number.isFinite(norm) && norm > 0, `${op}: no gradient for ${p.name}`);
        }
        tf.dispose([value, ...Object.values(grads)]);
      }
      tf.dispose([x, r]);
      store.dispose();
    });
  }
}

test('GroupNorm: C=32 normalises two groups of 16 channels separately; C=12 uses one group', () => {
  const store = new ParamStore(0);
  const gn = new GroupNorm(store.scope('gn'), 32, false);
  assert.equal(gn.groups, 2);
  assert.equal(new GroupNorm(store.scope('gn12'), 12, false).groups, 1);
  // group 0 around 10 with spread 1, group 1 around -3 with spread 5
  const base = tf.randomNormal([1, 4, 4, 16], 0, 1, 'float32', 5);
  const x = tf.concat([tf.add(base, 10), tf.sub(tf.mul(base, 5), 3)], 3) as Tensor4D;
  const y = gn.apply(x);
  for (const [lo, hi] of [
    [0, 16],
    [16, 32],
  ] as const) {
    const part = tf.slice(y, [0, 0, 0, lo], [1, 4, 4, hi - lo]);
    const m = tf.moments(part);
    assert.ok(Math.abs(m.mean.dataSync()[0]!) < 1e-4, 'group mean 0');
    assert.ok(Math.abs(m.variance.dataSync()[0]! - 1) < 1e-3, 'group variance 1');
  }
  // both groups have the same standardised pattern
  const a = tf.slice(y, [0, 0, 0, 0], [1, 4, 4, 16]).dataSync();
  const b = tf.slice(y, [0, 0, 0, 16], [1, 4, 4, 16]).dataSync();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-3);
  store.dispose();
});

test('affine GroupNorm has scale and shift; non-affine has no parameters', () => {
  const s1 = new ParamStore(0);
  createOp('conv', s1.scope('a'), 8, true);
  assert.deepEqual(
    s1.list().map((p) => p.name),
    ['a.conv.w', 'a.gn.gamma', 'a.gn.beta'],
  );
  const s2 = new ParamStore(0);
  createOp('conv', s2.scope('a'), 8, false);
  assert.deepEqual(
    s2.list().map((p) => p.name),
    ['a.conv.w'],
  );
  s1.dispose();
  s2.dispose();
});

test('transposed conv equals its definition: out[i][j] = sum w[a][b] * z[i+a-1][j+b-1], z = zero-inserted input', () => {
  const store = new ParamStore(2);
  const t = new TransposedConv(store.scope('t'), 1, 1);
  const xv = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const x = tf.tensor4d(xv, [1, 3, 3, 1]);
  const y = t.apply(x).dataSync();
  const w = store.list()[0]!.variable.dataSync();
  const z = (i: number, j: number): number =>
    i >= 0 && j >= 0 && i < 6 && j < 6 && i % 2 === 0 && j % 2 === 0 ? xv[(i / 2) * 3 + j / 2]! : 0;
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += w[a * 3 + b]! * z(i + a - 1, j + b - 1);
      assert.ok(Math.abs(y[i * 6 + j]! - s) < 1e-4, `(${i},${j})`);
    }
  }
  store.dispose();
});

test('avg_pool and max_pool give the known 2x2 results', () => {
  const x = tf.tensor4d([1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16], [1, 4, 4, 1]);
  const store = new ParamStore(0);
  assert.deepEqual(
    [...createOp('avg_pool', store.scope('a'), 1, true).apply(x).dataSync()],
    [2.5, 6.5, 10.5, 14.5],
  );
  assert.deepEqual([...createOp('max_pool', store.scope('m'), 1, true).apply(x).dataSync()], [4, 8, 12, 16]);
});

test('conv op: analytic gradient matches finite differences', () => {
  const store = new ParamStore(9);
  const layer = createOp('dep_conv', store.scope('d'), 4, true);
  const x = input(4, 6);
  const r = tf.randomNormal([2, 6, 6, 4], 0, 1, 'float32', 3);
  const v = store.list()[0]!.variable; // depthwise filter
  const loss = (): number => tf.tidy(() => tf.sum(tf.mul(layer.apply(x), r)).dataSync()[0]!);
  const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), r)), [v]);
  const g = grads[v.name]!.dataSync();
  const base = v.dataSync().slice();
  for (const k of [0, 5, 17, 30]) {
    const eps = 1e-2;
    const plus = base.slice();
    plus[k]! += eps;
    v.assign(tf.tensor(plus, v.shape));
    const lp = loss();
    const minus = base.slice();
    minus[k]! -= eps;
    v.assign(tf.tensor(minus, v.shape));
    const lm = loss();
    const fd = (lp - lm) / (2 * eps);
    assert.ok(Math.abs(fd - g[k]!) < 2e-2 * Math.max(1, Math.abs(fd)), `k=${k}: fd ${fd} vs ${g[k]}`);
  }
  v.assign(tf.tensor(base, v.shape));
  tf.dispose([value, ...Object.values(grads), x, r]);
  store.dispose();
});

test('normal ops at C=16 keep the shape; every normal op is in NORMAL_OPS', () => {
  const store = new ParamStore(1);
  const x = tf.randomNormal([1, 4, 4, 16]) as Tensor4D;
  for (const op of NORMAL_OPS) {
    assert.deepEqual(createOp(op, store.scope(op), 16, false).apply(x).shape, [1, 4, 4, 16]);
  }
  store.dispose();
});
