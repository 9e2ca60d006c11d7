import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf, type Tensor4D } from '../../tensor/src/index.js';
import {
  ALL_OPS,
  FixedNetwork,
  NASUNET_PRESETS,
  ParamStore,
  SearchNetwork,
  createOp,
  referenceGenotype,
  type NamedWeightsNet,
} from './index.js';

// Same networks and inputs on cpu (the reference) and wasm: forward outputs and gradients must agree.
await initBackend({ backend: 'cpu' });

const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 31) as Tensor4D;
const r = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 32);

async function onBackend<T>(name: 'cpu' | 'wasm', f: () => T): Promise<T> {
  await initBackend({ backend: name });
  return f();
}

function closeTo(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  assert.ok(worst < tol, `${what}: max relative difference ${worst}`);
}

function forwardAndGrads(
  net: NamedWeightsNet,
  params: tf.Variable[],
): { y: Float32Array; g: Float32Array[] } {
  return tf.tidy(() => {
    const y = net.apply(x, true).dataSync() as Float32Array;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.apply(x, true), r)), params);
    value.dispose();
    return { y, g: params.map((p) => grads[p.name]!.dataSync() as Float32Array) };
  });
}

test('every op: wasm forward and weight gradients match cpu', async () => {
  for (const op of ALL_OPS) {
    const store = new ParamStore(5);
    const layer = createOp(op, store.scope(op), 6, true);
    const xin = tf.randomNormal([2, 8, 8, 6], 0, 1, 'float32', 8) as Tensor4D;
    const run = (): { y: Float32Array; g: Float32Array[] } =>
      tf.tidy(() => {
        const y = layer.apply(xin);
        const rr = tf.randomNormal(y.shape, 0, 1, 'float32', 9);
        const vars = store.list().map((p) => p.variable);
        const f = (): tf.Scalar => tf.sum(tf.mul(layer.apply(xin), rr));
        const grads = vars.length > 0 ? tf.variableGrads(f, vars).grads : {};
        return {
          y: y.dataSync() as Float32Array,
          g: vars.map((v) => grads[v.name]!.dataSync() as Float32Array),
        };
      });
    const cpu = await onBackend('cpu', run);
    const wasm = await onBackend('wasm', run);
    closeTo(wasm.y, cpu.y, 1e-3, `${op} forward`);
    cpu.g.forEach((g, k) => closeTo(wasm.g[k]!, g, 1e-3, `${op} gradient ${store.list()[k]!.name}`));
    store.dispose();
    xin.dispose();
  }
  await initBackend({ backend: 'cpu' });
});

test('derived V2 net and supernet (tiny): wasm matches cpu, alphas included', async () => {
  const net = FixedNetwork.fromGenotype(referenceGenotype('v2'), NASUNET_PRESETS.tiny, { seed: 2 });
  const cpu = await onBackend('cpu', () => forwardAndGrads(net, net.weightParams()));
  const wasm = await onBackend('wasm', () => forwardAndGrads(net, net.weightParams()));
  closeTo(wasm.y, cpu.y, 1e-3, 'derived forward');
  cpu.g.forEach((g, k) => closeTo(wasm.g[k]!, g, 2e-3, `derived gradient ${net.namedWeights()[k]!.name}`));
  net.dispose();

  await initBackend({ backend: 'cpu' });
  const s = new SearchNetwork(NASUNET_PRESETS.tiny, { seed: 2 });
  const sc = await onBackend('cpu', () => forwardAndGrads(s, s.archParams()));
  const sw = await onBackend('wasm', () => forwardAndGrads(s, s.archParams()));
  closeTo(sw.y, sc.y, 1e-3, 'supernet forward');
  sc.g.forEach((g, k) => closeTo(sw.g[k]!, g, 2e-3, `alpha gradient ${k}`));
  s.dispose();
  await initBackend({ backend: 'cpu' });
});
