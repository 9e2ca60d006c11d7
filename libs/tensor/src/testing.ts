/**
 * Helpers for this lib's tests: seeded tensors, central finite differences of
 * `sum(f(xs) * r)` accumulated in float64, and error measures. Not exported from index.ts.
 */
import { tf, type Tensor, type Tensor4D } from './tf.js';
import { uniformArray } from './seeded-random.js';

export type Shape4 = [number, number, number, number];

/** A seeded uniform(-1, 1) tensor. */
export function randomTensor(shape: Shape4, seed: number): Tensor4D {
  return tf.tensor4d(
    uniformArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** Projection weights `r` with the shape of `f(xs)`. */
export function projection(f: (...xs: Tensor4D[]) => Tensor, xs: Tensor4D[], seed: number): Float32Array {
  const y = f(...xs);
  const r = uniformArray(y.size, seed);
  y.dispose();
  return r;
}

function loss64(f: (...xs: Tensor4D[]) => Tensor, xs: Tensor4D[], r: Float32Array): number {
  const y = f(...xs);
  const v = y.dataSync();
  y.dispose();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * r[i]!;
  return s;
}

/** Analytic gradients of `sum(f(xs) * r)` on the active backend. */
export function analyticGrads(
  f: (...xs: Tensor4D[]) => Tensor,
  xs: Tensor4D[],
  r: Float32Array,
): Float32Array[] {
  const gs = tf.tidy(() => {
    const probe = f(...xs);
    const rt = tf.tensor(r, probe.shape);
    return tf.grads((...ins: Tensor[]) => tf.sum(tf.mul(f(...(ins as Tensor4D[])), rt)))(xs);
  });
  const out = gs.map((g) => g.dataSync() as Float32Array);
  tf.dispose(gs);
  return out;
}

/** Central finite differences of `sum(f(xs) * r)` with step `eps`, every element of every input. */
export function finiteDifferenceGrads(
  f: (...xs: Tensor4D[]) => Tensor,
  xs: Tensor4D[],
  r: Float32Array,
  eps: number,
): Float32Array[] {
  return xs.map((x, k) => {
    const base = x.dataSync().slice();
    const g = new Float32Array(base.length);
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number): number => {
        const v = base.slice();
        v[i] = base[i]! + delta;
        const xi = tf.tensor4d(v, x.shape);
        const args = xs.map((xj, j) => (j === k ? xi : xj));
        const l = loss64(f, args, r);
        xi.dispose();
        return l;
      };
      g[i] = (at(eps) - at(-eps)) / (2 * eps);
    }
    return g;
  });
}

/** Largest |a - b| relative to `max|b|` (plus `atol` in the denominator guard). */
export function relMaxError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return Number.isNaN(err) ? Infinity : err / Math.max(scale, 1e-6);
}
