/**
 * GroupNorm forward and backward as one kernel each on the wasm backend. Composed of
 * tfjs ops, one norm runs about 20 element-wise kernels (statistics, centring, scaling,
 * the affine part, and as many again for the gradient), each a full pass over the
 * activation; here the forward pass reads `x` twice and writes `y` once, the backward
 * pass reads `dy` and `x` twice and writes `dx` once. Statistics and every per-group and
 * per-channel sum are accumulated in float64.
 *
 * The forward kernel keeps per (sample, group) the mean and `rstd = 1 / sqrt(var + eps)`
 * (`stats`); the backward kernel recomputes the normalised values from
 * `x` and `stats` (as cheap as reading them back, and no second activation-sized output).
 *
 * `groupNorm` (norm.ts) calls these kernels when they are registered for the active
 * backend; other backends keep the composition.
 */
import { tf } from './tf.js';
import type { WasmBackend } from './wasm-kernels.js';

/** Kernel name of the forward pass: inputs `x` (and `gamma`, `beta`), outputs `[y, stats]`. */
export const GROUP_NORM = 'NasunetGroupNorm';
/** Kernel name of the backward pass: inputs `dy`, `x`, `stats` (and `gamma`), outputs `[dx]` or `[dx, dgamma, dbeta]`. */
export const GROUP_NORM_GRAD = 'NasunetGroupNormGrad';

/** Attributes of {@link GROUP_NORM} (the backward kernel takes `groups` only). */
export interface GroupNormAttrs {
  groups: number;
  eps: number;
}

/** `[N, H, W, C]` with `C / groups` channels per group. */
interface Layout {
  n: number;
  positions: number;
  c: number;
  groups: number;
}

function layout(shape: readonly number[], groups: number): Layout {
  const [n, h, w, c] = shape as [number, number, number, number];
  return { n, positions: h * w, c, groups };
}

/**
 * Values kept per sample and group (`stats` is `[N, groups, STATS]`): the mean as a float32
 * and the float32 rounding of the rest (so that `x - mean` keeps float64 precision in the
 * backward pass), then `rstd`.
 */
export const STATS = 3;

/** Sum of `v` over each group's channels: `out[g] = sum(v[g*cg .. (g+1)*cg - 1])`. */
function sumPerGroup(v: Float64Array, groups: number, out: Float64Array): void {
  const cg = v.length / groups;
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let k = g * cg; k < (g + 1) * cg; k++) s += v[k]!;
    out[g] = s;
  }
}

/**
 * Forward pass: `y = (x - mean) * rstd * gamma + beta` (or without the affine part when
 * `gamma` is undefined), statistics per sample and group over H, W and the group's
 * channels, written to `stats` (see {@link STATS}). The sums are taken around the group's
 * first value, so a mean far larger than the spread costs no precision.
 */
export function groupNormForward(
  x: Float32Array,
  shape: readonly number[],
  attrs: GroupNormAttrs,
  gamma: Float32Array | undefined,
  beta: Float32Array | undefined,
  y: Float32Array,
  stats: Float32Array,
): void {
  const { n, positions, c, groups } = layout(shape, attrs.groups);
  const cg = c / groups;
  const count = positions * cg;
  const ref = new Float64Array(c);
  const s1 = new Float64Array(c);
  const s2 = new Float64Array(c);
  const g1 = new Float64Array(groups);
  const g2 = new Float64Array(groups);
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    const start = b * positions * c;
    const end = start + positions * c;
    for (let k = 0; k < c; k++) ref[k] = x[start + k - (k % cg)]!;
    s1.fill(0);
    s2.fill(0);
    for (let i = start; i < end; i += c) {
      for (let k = 0; k < c; k++) {
        const v = x[i + k]! - ref[k]!;
        s1[k] += v;
        s2[k] += v * v;
      }
    }
    sumPerGroup(s1, groups, g1);
    sumPerGroup(s2, groups, g2);
    for (let g = 0; g < groups; g++) {
      const shifted = g1[g]! / count;
      const mean = ref[g * cg]! + shifted;
      const rstd = 1 / Math.sqrt(Math.max(g2[g]! / count - shifted * shifted, 0) + attrs.eps);
      const at = (b * groups + g) * STATS;
      stats[at] = mean;
      stats[at + 1] = mean - stats[at]!;
      stats[at + 2] = rstd;
      for (let k = g * cg; k < (g + 1) * cg; k++) {
        const s = gamma === undefined ? rstd : rstd * gamma[k]!;
        scale[k] = s;
        shift[k] = (beta === undefined ? 0 : beta[k]!) - mean * s;
      }
    }
    for (let i = start; i < end; i += c) {
      for (let k = 0; k < c; k++) y[i + k] = x[i + k]! * scale[k]! + shift[k]!;
    }
  }
}

/**
 * Backward pass with `xhat = (x - mean) * rstd` and `dxhat = dy * gamma` (`dy` without
 * the affine part): `dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))`, the
 * means taken over each sample's group; with `gamma`, also `dgamma = sum(dy * xhat)` and
 * `dbeta = sum(dy)` per channel over N, H and W.
 */
export function groupNormBackward(
  dy: Float32Array,
  x: Float32Array,
  stats: Float32Array,
  shape: readonly number[],
  groups: number,
  gamma: Float32Array | undefined,
  dx: Float32Array,
  dgamma: Float32Array | undefined,
  dbeta: Float32Array | undefined,
): void {
  const { n, positions, c } = layout(shape, groups);
  const cg = c / groups;
  const count = positions * cg;
  const mean = new Float64Array(c);
  const rstd = new Float64Array(c);
  const gam = new Float64Array(c).fill(1);
  if (gamma !== undefined) gam.set(gamma);
  const a1 = new Float64Array(c);
  const a2 = new Float64Array(c);
  const m1 = new Float64Array(groups);
  const m2 = new Float64Array(groups);
  const sumDyXhat = new Float64Array(c);
  const sumDy = new Float64Array(c);
  const coefDy = new Float64Array(c);
  const coefX = new Float64Array(c);
  const offset = new Float64Array(c);
  for (let b = 0; b < n; b++) {
    const start = b * positions * c;
    const end = start + positions * c;
    for (let k = 0; k < c; k++) {
      const at = (b * groups + Math.floor(k / cg)) * STATS;
      mean[k] = stats[at]! + stats[at + 1]!;
      rstd[k] = stats[at + 2]!;
    }
    a1.fill(0);
    a2.fill(0);
    for (let i = start; i < end; i += c) {
      for (let k = 0; k < c; k++) {
        const d = dy[i + k]!;
        const xh = (x[i + k]! - mean[k]!) * rstd[k]!;
        sumDyXhat[k] += d * xh;
        sumDy[k] += d;
        const dh = d * gam[k]!;
        a1[k] += dh;
        a2[k] += dh * xh;
      }
    }
    sumPerGroup(a1, groups, m1);
    sumPerGroup(a2, groups, m2);
    // dx = rstd*gam*dy - rstd*m1 - rstd^2*m2*(x - mean), per channel as coefDy*dy + coefX*x + offset.
    for (let k = 0; k < c; k++) {
      const g = Math.floor(k / cg);
      const r = rstd[k]!;
      const mean1 = m1[g]! / count;
      const mean2 = m2[g]! / count;
      coefDy[k] = r * gam[k]!;
      coefX[k] = -r * r * mean2;
      offset[k] = -r * mean1 + r * r * mean2 * mean[k]!;
    }
    for (let i = start; i < end; i += c) {
      for (let k = 0; k < c; k++) dx[i + k] = coefDy[k]! * dy[i + k]! + coefX[k]! * x[i + k]! + offset[k]!;
    }
  }
  if (dgamma !== undefined) dgamma.set(sumDyXhat);
  if (dbeta !== undefined) dbeta.set(sumDy);
}

function floats(backend: WasmBackend, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

const forwardKernel: tf.KernelFunc = ({ inputs, attrs, backend: b }) => {
  const backend = b as unknown as WasmBackend;
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as GroupNormAttrs;
  const y = backend.makeOutput([...x!.shape], 'float32');
  const stats = backend.makeOutput([x!.shape[0]!, a.groups, STATS], 'float32');
  // Heap views only after the last makeOutput (a growing heap detaches earlier views).
  groupNormForward(
    floats(backend, x!),
    x!.shape,
    a,
    gamma && floats(backend, gamma),
    beta && floats(backend, beta),
    floats(backend, y),
    floats(backend, stats),
  );
  return [y, stats];
};

const backwardKernel: tf.KernelFunc = ({ inputs, attrs, backend: b }) => {
  const backend = b as unknown as WasmBackend;
  const { dy, x, stats, gamma } = inputs as Record<string, tf.TensorInfo | undefined>;
  const { groups } = attrs as unknown as { groups: number };
  const dx = backend.makeOutput([...x!.shape], 'float32');
  const affine = gamma === undefined ? [] : [0, 1].map(() => backend.makeOutput([...gamma.shape], 'float32'));
  groupNormBackward(
    floats(backend, dy!),
    floats(backend, x!),
    floats(backend, stats!),
    x!.shape,
    groups,
    gamma && floats(backend, gamma),
    floats(backend, dx),
    affine[0] && floats(backend, affine[0]),
    affine[1] && floats(backend, affine[1]),
  );
  return [dx, ...affine];
};

/** Registers both kernels for the wasm backend (idempotent). Called by `initBackend`. */
export function registerGroupNormKernels(): void {
  if (groupNormKernelsRegistered('wasm')) return;
  tf.registerKernel({ kernelName: GROUP_NORM, backendName: 'wasm', kernelFunc: forwardKernel });
  tf.registerKernel({ kernelName: GROUP_NORM_GRAD, backendName: 'wasm', kernelFunc: backwardKernel });
}

/** Removes them again: `groupNorm` then composes tfjs ops on wasm too (for comparisons). */
export function unregisterGroupNormKernels(): void {
  if (!groupNormKernelsRegistered('wasm')) return;
  tf.unregisterKernel(GROUP_NORM, 'wasm');
  tf.unregisterKernel(GROUP_NORM_GRAD, 'wasm');
}

/** Whether `backend` has the fused kernels. */
export function groupNormKernelsRegistered(backend: string): boolean {
  return tf.getKernel(GROUP_NORM, backend) !== undefined;
}
