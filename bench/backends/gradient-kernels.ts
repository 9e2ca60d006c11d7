/**
 * Per-kernel timings behind the gradient choices in libs/tensor/src/gradients.ts, on the
 * layer shapes of the benchmark U-Net (batch 4): each gradient by the backend's own
 * backprop kernel (where it has one) against our composition of forward kernels. It times
 * the lib's internal gradient functions, hence the imports below index.ts.
 */
import { tf, initBackend, uniformArray, type Tensor, type Tensor4D } from '../../libs/tensor/src/index.js';
import {
  conv2dFilterGradComposed,
  conv2dFilterGradIm2col,
  conv2dInputGradComposed,
} from '../../libs/tensor/src/conv-grads.js';
import { maxPoolGradComposed } from '../../libs/tensor/src/pool-grads.js';

async function medianMs(fn: () => Tensor, reps: number): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    const y = fn();
    await y.data();
    y.dispose();
    if (i > 0) ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

function rand(shape: [number, number, number, number], seed: number): Tensor4D {
  return tf.tensor4d(
    uniformArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

function stock(kernel: string, inputs: Record<string, Tensor>, attrs: Record<string, unknown>): () => Tensor {
  return () => tf.engine().runKernel(kernel, inputs, attrs as never) as Tensor;
}

/** Prints a markdown table of per-kernel medians for `backend`. */
export async function benchGradientKernels(
  backend: 'wasm' | 'cpu' | 'webgpu' | 'tensorflow',
  reps: number,
): Promise<string> {
  await initBackend({ backend, logger: () => {} });
  const has = (k: string) => tf.getKernel(k, backend) !== undefined;
  const fmt = async (fn: (() => Tensor) | undefined) =>
    fn === undefined ? 'n/a' : (await medianMs(fn, reps)).toFixed(1);
  const lines = [
    `Gradient kernels on ${backend}, batch 4, 3x3 'same' stride 1, median ms of ${reps}:`,
    '| layer (H=W, Cin->Cout) | forward conv | dx stock | dx composed | dW stock | dW composed | dW im2col |',
    '|---|---|---|---|---|---|---|',
  ];
  const g = { strides: 1, pad: 'same' as const, dilations: 1 };
  for (const [side, cin, cout] of [
    [128, 16, 16],
    [64, 32, 32],
    [32, 64, 64],
    [16, 128, 128],
  ] as const) {
    const x = rand([4, side, side, cin], 1);
    const w = rand([3, 3, cin, cout], 2);
    const dy = rand([4, side, side, cout], 3);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const cells = [
      await fmt(() => tf.conv2d(x, w, 1, 'same')),
      await fmt(
        has('Conv2DBackpropInput')
          ? stock('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape })
          : undefined,
      ),
      await fmt(() => conv2dInputGradComposed(dy, w, x.shape, g)),
      await fmt(
        has('Conv2DBackpropFilter')
          ? stock('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape })
          : undefined,
      ),
      await fmt(() => conv2dFilterGradComposed(x, dy, w.shape, g)),
      await fmt(() => conv2dFilterGradIm2col(x, dy, w.shape, g)),
    ];
    lines.push(`| ${side}, ${cin}->${cout} | ${cells.join(' | ')} |`);
    tf.dispose([x, w, dy]);
  }
  lines.push(
    '',
    '| max pool 2x2/2 input (H=W, C) | forward | grad stock | grad composed |',
    '|---|---|---|---|',
  );
  for (const [side, c] of [
    [128, 16],
    [64, 32],
    [32, 64],
  ] as const) {
    const x = rand([4, side, side, c], 4);
    const y = tf.maxPool(x, 2, 2, 'valid');
    const dy = rand(y.shape, 5);
    const pool = { filterSize: 2, strides: 2, pad: 'valid' as const };
    const cells = [
      await fmt(() => tf.maxPool(x, 2, 2, 'valid')),
      await fmt(has('MaxPoolGrad') ? stock('MaxPoolGrad', { dy, input: x, output: y }, pool) : undefined),
      await fmt(() => maxPoolGradComposed(dy, x, y, pool)),
    ];
    lines.push(`| ${side}, ${c} | ${cells.join(' | ')} |`);
    tf.dispose([x, y, dy]);
  }
  return lines.join('\n');
}
