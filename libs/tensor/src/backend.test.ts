import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, type Tensor4D } from './tf.js';
import { BACKEND_NAMES, initBackend, parseBackendName } from './backend.js';
import { registerGradients } from './gradients.js';
import { runSelfCheck } from './self-check.js';
import { registerWasmKernels, restoreWasmStockKernels } from './wasm-kernels.js';
import { loadBlasAddon } from './blas-kernels.js';
import { BackendError, ValidationError } from '../../core/src/errors.js';

test('explicit wasm: one log line, self-check passed, cached on the second call', async () => {
  const lines: string[] = [];
  const a = await initBackend({ backend: 'wasm', logger: (m) => lines.push(m) });
  const b = await initBackend({ backend: 'wasm', logger: (m) => lines.push(m) });
  assert.equal(a.name, 'wasm');
  assert.equal(b, a);
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    loadBlasAddon().ok
      ? /^compute backend: wasm \(requested; gradient self-check against cpu passed in \d+ ms; BLAS kernels: OpenBLAS [^)]+\)$/
      : /^compute backend: wasm \(requested; gradient self-check against cpu passed in \d+ ms; BLAS kernels: none \(.+ is not built .+\)\)$/,
  );
});

test('switching to cpu and back re-selects the cached backend', async () => {
  const cpu = await initBackend({ backend: 'cpu', logger: () => {} });
  assert.equal(cpu.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  await initBackend({ backend: 'wasm', logger: () => {} });
  assert.equal(tf.getBackend(), 'wasm');
});

test('auto picks tensorflow, then hardware webgpu, else wasm, and says why', async () => {
  const lines: string[] = [];
  const info = await initBackend({ backend: 'auto', logger: (m) => lines.push(m) });
  assert.ok(['tensorflow', 'webgpu', 'wasm'].includes(info.name));
  assert.match(info.reason, /^auto: /);
  if (info.name === 'wasm') assert.match(info.reason, /tfjs-node.*webgpu: /);
});

test('NASUNET_BACKEND is read when no backend is passed, and validated', async () => {
  const saved = process.env['NASUNET_BACKEND'];
  try {
    process.env['NASUNET_BACKEND'] = 'cpu';
    assert.equal((await initBackend({ logger: () => {} })).name, 'cpu');
    process.env['NASUNET_BACKEND'] = 'cuda';
    await assert.rejects(initBackend({ logger: () => {} }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.match(
        e.message,
        /NASUNET_BACKEND: expected one of auto, tensorflow, webgpu, wasm, cpu \(got "cuda"\)/,
      );
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env['NASUNET_BACKEND'];
    else process.env['NASUNET_BACKEND'] = saved;
    await initBackend({ backend: 'wasm', logger: () => {} });
  }
});

test('an invalid backend option names the field', () => {
  assert.deepEqual([...BACKEND_NAMES], ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
  assert.throws(() => parseBackendName('gpu', 'backend'), /backend: expected one of/);
});

test('an unavailable explicit backend throws BackendError with the reason', async () => {
  let tfjsNode = true;
  try {
    const name: string = '@tensorflow/tfjs-node';
    await import(name);
  } catch {
    tfjsNode = false;
  }
  if (!tfjsNode) {
    await assert.rejects(initBackend({ backend: 'tensorflow', logger: () => {} }), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.match(e.message, /tfjs-node not installed/);
      return true;
    });
  }
  assert.equal(tf.getBackend(), 'wasm');
});

test('the self-check rejects the stock wasm max-pool gradient, naming it', async () => {
  await initBackend({ backend: 'wasm', logger: () => {} });
  restoreWasmStockKernels();
  tf.registerGradient({
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [Tensor4D, Tensor4D];
      return {
        x: () =>
          tf
            .engine()
            .runKernel('MaxPoolGrad', { dy: dy as Tensor4D, input: x, output: y }, attrs) as Tensor4D,
      };
    },
  });
  try {
    await assert.rejects(runSelfCheck(), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.match(e.message, /d\/dx of maxPool .* differs from cpu by/);
      return true;
    });
  } finally {
    registerWasmKernels();
    registerGradients();
  }
  await runSelfCheck();
  assert.equal(tf.getBackend(), 'wasm');
});
