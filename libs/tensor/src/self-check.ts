/**
 * Start-up self-check: a few gradients on tiny seeded random tensors, computed on the
 * active backend and on `cpu`, must agree. Two stock tfjs kernels (wasm MaxPoolGrad, and
 * anything a future backend gets wrong) fail silently otherwise.
 */
import { BackendError } from '../../core/src/errors.js';
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { uniformArray } from './seeded-random.js';

/** One gradient compared by the self-check. */
export interface GradientCase {
  /** Human name used in the error message, e.g. `conv2d stride 1 dilation 2`. */
  name: string;
  /** Names of the differentiated inputs, same order as `shapes`. */
  inputs: readonly string[];
  shapes: readonly (readonly number[])[];
  /** The forward function; the loss is `sum(f(...) * r)` with a fixed random `r`. */
  f: (...xs: Tensor4D[]) => Tensor;
}

/**
 * The cases run at start-up: every gradient registered in gradients.ts, incl. dilation 2.
 * The max-pool shapes are ones where the stock wasm MaxPoolGrad is wrong with seed 7 (it
 * is right on some shapes and data, wrong on others).
 */
export const SELF_CHECK_CASES: readonly GradientCase[] = [
  {
    name: 'conv2d stride 1 dilation 1',
    inputs: ['x', 'filter'],
    shapes: [
      [2, 7, 6, 3],
      [3, 3, 3, 4],
    ],
    f: (x, w) => tf.conv2d(x, w, 1, 'same'),
  },
  {
    name: 'conv2d stride 2',
    inputs: ['x', 'filter'],
    shapes: [
      [2, 8, 7, 3],
      [3, 3, 3, 2],
    ],
    f: (x, w) => tf.conv2d(x, w, 2, 'same'),
  },
  {
    name: 'conv2d dilation 2',
    inputs: ['x', 'filter'],
    shapes: [
      [1, 9, 8, 2],
      [3, 3, 2, 3],
    ],
    f: (x, w) => tf.conv2d(x, w, 1, 'same', 'NHWC', 2),
  },
  {
    name: 'depthwiseConv2d stride 2 multiplier 2',
    inputs: ['x', 'filter'],
    shapes: [
      [2, 7, 8, 3],
      [3, 3, 3, 2],
    ],
    f: (x, w) => tf.depthwiseConv2d(x, w, 2, 'same'),
  },
  {
    name: 'depthwiseConv2d dilation 2',
    inputs: ['x', 'filter'],
    shapes: [
      [1, 8, 9, 3],
      [3, 3, 3, 1],
    ],
    f: (x, w) => tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', 2),
  },
  {
    name: 'maxPool 3x3 stride 2',
    inputs: ['x'],
    shapes: [[1, 8, 8, 1]],
    f: (x) => tf.maxPool(x, 3, 2, 'same'),
  },
  {
    name: 'maxPool 2x2 stride 2',
    inputs: ['x'],
    shapes: [[2, 7, 8, 3]],
    f: (x) => tf.maxPool(x, 2, 2, 'valid'),
  },
  {
    name: 'conv2dTranspose stride 2',
    inputs: ['x', 'filter'],
    shapes: [
      [2, 4, 3, 3],
      [2, 2, 2, 3],
    ],
    f: (x, w) => tf.conv2dTranspose(x, w, [x.shape[0], 8, 6, 2], 2, 'same'),
  },
];

/** Gradients of `sum(f(xs) * r)` w.r.t. every input, read back as arrays (`await data()`). */
export async function caseGradients(c: GradientCase, seed: number): Promise<Float32Array[]> {
  const xs = c.shapes.map((s, i) =>
    tf.tensor4d(uniformArray(size(s), seed + i), s as [number, number, number, number]),
  );
  const grads = tf.tidy(() => {
    const probe = c.f(...xs);
    const r = tf.tensor(uniformArray(probe.size, seed + 101), probe.shape);
    probe.dispose();
    return tf.grads((...ins: Tensor[]) => tf.sum(tf.mul(c.f(...(ins as Tensor4D[])), r)))(xs);
  });
  const out = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  tf.dispose([...grads, ...xs]);
  return out;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Largest |a - b| and largest |b|. */
export function maxErrors(a: Float32Array, b: Float32Array): { abs: number; scale: number } {
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  if (a.length !== b.length || Number.isNaN(abs)) abs = Infinity;
  return { abs, scale };
}

/**
 * Compares every case on the active backend with `cpu` and leaves the active backend
 * selected. Throws {@link BackendError} naming the first gradient whose max error exceeds
 * `rtol * max|cpu| + atol`.
 */
export async function runSelfCheck(rtol = 1e-3, atol = 1e-5): Promise<void> {
  const backend = tf.getBackend();
  const seed = 7;
  const got: Float32Array[][] = [];
  for (const c of SELF_CHECK_CASES) got.push(await caseGradients(c, seed));
  await tf.setBackend('cpu');
  const want: Float32Array[][] = [];
  try {
    for (const c of SELF_CHECK_CASES) want.push(await caseGradients(c, seed));
  } finally {
    await tf.setBackend(backend);
  }
  SELF_CHECK_CASES.forEach((c, i) => {
    c.inputs.forEach((input, j) => {
      const { abs, scale } = maxErrors(got[i]![j]!, want[i]![j]!);
      const tol = rtol * scale + atol;
      if (!(abs <= tol)) {
        throw new BackendError(
          `backend '${backend}' failed its gradient self-check: d/d${input} of ${c.name} differs from cpu ` +
            `by ${abs.toExponential(2)} (tolerance ${tol.toExponential(2)}, largest value ${scale.toExponential(2)})`,
        );
      }
    });
  });
}
