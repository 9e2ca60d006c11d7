/**
 * The fixed benchmark net: a small U-Net (3 down / 3 up levels, two 3x3 conv + batch-stat
 * normalisation + ReLU per level, 2x2 max pool down, 2x2 stride-2 transposed conv up,
 * 1x1 head to 2 classes), NHWC. torch_unet.py builds the same net in PyTorch.
 */
import { tf, uniformArray, type Tensor, type Tensor4D, type Variable } from '../../libs/tensor/src/index.js';

/** Size preset: `full` is the net of COMPUTE-BACKENDS.md (482 k parameters). */
export interface UNetSize {
  base: number;
  batch: number;
  side: number;
}

export const SIZES: Readonly<Record<'full' | 'small', UNetSize>> = {
  full: { base: 16, batch: 4, side: 128 },
  small: { base: 8, batch: 2, side: 64 },
};

export interface UNet {
  params: Variable[];
  forward(x: Tensor4D): Tensor4D;
  count: number;
}

/** Builds the U-Net with seeded He-uniform weights. */
export function buildUNet(base: number, inChannels = 1, classes = 2): UNet {
  const params: Variable[] = [];
  let seed = 1;
  const weight = (shape: [number, number, number, number], fanIn: number): Tensor4D => {
    const n = shape.reduce((a, b) => a * b, 1);
    const lim = Math.sqrt(6 / fanIn);
    const init = tf.tensor4d(uniformArray(n, seed++, -lim, lim), shape);
    const v = tf.variable(init);
    init.dispose();
    params.push(v);
    return v as unknown as Tensor4D;
  };
  const vector = (n: number, value: number): Tensor => {
    const init = tf.fill([n], value);
    const v = tf.variable(init);
    init.dispose();
    params.push(v);
    return v;
  };
  const block = (cin: number, cout: number) => {
    const w1 = weight([3, 3, cin, cout], 9 * cin);
    const g1 = vector(cout, 1);
    const b1 = vector(cout, 0);
    const w2 = weight([3, 3, cout, cout], 9 * cout);
    const g2 = vector(cout, 1);
    const b2 = vector(cout, 0);
    return (x: Tensor4D): Tensor4D => {
      const h = tf.relu(norm(tf.conv2d(x, w1, 1, 'same'), g1, b1));
      return tf.relu(norm(tf.conv2d(h, w2, 1, 'same'), g2, b2)) as Tensor4D;
    };
  };
  const up = (cin: number, cout: number) => {
    const w = weight([2, 2, cout, cin], 4 * cin);
    const b = vector(cout, 0);
    return (x: Tensor4D): Tensor4D => {
      const [n, h, wd] = x.shape;
      return tf.add(tf.conv2dTranspose(x, w, [n, 2 * h, 2 * wd, cout], 2, 'same'), b) as Tensor4D;
    };
  };
  const c = [base, 2 * base, 4 * base, 8 * base];
  const enc = [block(inChannels, c[0]!), block(c[0]!, c[1]!), block(c[1]!, c[2]!)];
  const mid = block(c[2]!, c[3]!);
  const ups = [up(c[3]!, c[2]!), up(c[2]!, c[1]!), up(c[1]!, c[0]!)];
  const dec = [block(c[3]!, c[2]!), block(c[2]!, c[1]!), block(c[1]!, c[0]!)];
  const headW = weight([1, 1, c[0]!, classes], c[0]!);
  const headB = vector(classes, 0);
  const forward = (x: Tensor4D): Tensor4D => {
    const skips: Tensor4D[] = [];
    let h = x;
    for (const e of enc) {
      h = e(h);
      skips.push(h);
      h = tf.maxPool(h, 2, 2, 'valid');
    }
    h = mid(h);
    for (let i = 0; i < 3; i++) {
      h = dec[i]!(tf.concat([ups[i]!(h), skips[2 - i]!], 3) as Tensor4D);
    }
    return tf.add(tf.conv2d(h, headW, 1, 'same'), headB) as Tensor4D;
  };
  return { params, forward, count: params.reduce((s, p) => s + p.size, 0) };
}

/** Batch-statistics normalisation written as plain arithmetic (faster than tf.batchNorm on wasm). */
function norm(x: Tensor4D, gamma: Tensor, beta: Tensor): Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gamma), beta) as Tensor4D;
}

/** Softmax cross-entropy of logits `[N, H, W, K]` against integer labels `[N, H, W]`. */
export function segmentationLoss(logits: Tensor4D, labels: Tensor): Tensor {
  const k = logits.shape[3];
  return tf.mean(tf.neg(tf.sum(tf.mul(tf.oneHot(labels as tf.Tensor1D, k), tf.logSoftmax(logits)), -1)));
}
