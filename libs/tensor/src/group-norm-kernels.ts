/**
 * GroupNorm forward and backward as one kernel each on the wasm backend. Composed of
 * tfjs ops, one norm runs about 20 element-wise kernels (statistics, centring, scaling,
 * the affine part, and as many again for the gradient), each a full pass over the
 * activation; here the forward pass reads `x` twice and writes `y` once, the backward
 * pass reads `dy` and `x` twice and writes `dx` once. The passes run as WebAssembly SIMD
 * on the backend's heap (group-norm-simd.ts) when C is a multiple of 4, else as the
 * JavaScript loops of {@link scalarPasses}. Statistics and the per-channel and per-group
 * sums are float64 (the products summed are float32 in the SIMD passes).
 *
 * The forward kernel keeps per (sample, group) the mean and `rstd = 1 / sqrt(var + eps)`
 * (`stats`); the backward kernel recomputes the normalised values from `x` and `stats`
 * (as cheap as reading them back, and no second activation-sized output).
 *
 * `groupNorm` (norm.ts) calls these kernels when they are registered for the active
 * backend; other backends keep the composition.
 */
import { tf } from './tf.js';
import { floats, type WasmBackend } from './wasm-kernels.js';
import { groupNormPasses, type WasmMemory } from './group-norm-simd.js';

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

/**
 * The element passes over the elements `from` to `to` (whole pixels) of NHWC data, with
 * per-channel vectors of length C (see group-norm-simd.ts for what each computes). The
 * sums are added to what the float64 vectors hold.
 */
export interface Passes {
  stats(
    x: Float32Array,
    from: number,
    to: number,
    ref: Float32Array,
    s1: Float64Array,
    s2: Float64Array,
  ): void;
  affine(
    x: Float32Array,
    y: Float32Array,
    from: number,
    to: number,
    mhi: Float32Array,
    mlo: Float32Array,
    scale: Float32Array,
    shift: Float32Array,
  ): void;
  gradSums(
    dy: Float32Array,
    x: Float32Array,
    from: number,
    to: number,
    mhi: Float32Array,
    mlo: Float32Array,
    rstd: Float32Array,
    sDy: Float64Array,
    sDyXhat: Float64Array,
  ): void;
  gradInput(
    dy: Float32Array,
    x: Float32Array,
    dx: Float32Array,
    from: number,
    to: number,
    mhi: Float32Array,
    mlo: Float32Array,
    cDy: Float32Array,
    cX: Float32Array,
    off: Float32Array,
  ): void;
}

/** The passes as JavaScript loops (any C), in float64. */
export const scalarPasses: Passes = {
  stats(x, from, to, ref, s1, s2) {
    const c = ref.length;
    for (let i = from; i < to; i += c) {
      for (let k = 0; k < c; k++) {
        const v = x[i + k]! - ref[k]!;
        s1[k] += v;
        s2[k] += v * v;
      }
    }
  },
  affine(x, y, from, to, mhi, mlo, scale, shift) {
    const c = mhi.length;
    for (let i = from; i < to; i += c) {
      for (let k = 0; k < c; k++) y[i + k] = (x[i + k]! - mhi[k]! - mlo[k]!) * scale[k]! + shift[k]!;
    }
  },
  gradSums(dy, x, from, to, mhi, mlo, rstd, sDy, sDyXhat) {
    const c = mhi.length;
    for (let i = from; i < to; i += c) {
      for (let k = 0; k < c; k++) {
        const d = dy[i + k]!;
        sDy[k] += d;
        sDyXhat[k] += d * (x[i + k]! - mhi[k]! - mlo[k]!) * rstd[k]!;
      }
    }
  },
  gradInput(dy, x, dx, from, to, mhi, mlo, cDy, cX, off) {
    const c = mhi.length;
    for (let i = from; i < to; i += c) {
      for (let k = 0; k < c; k++) {
        dx[i + k] = cDy[k]! * dy[i + k]! + cX[k]! * (x[i + k]! - mhi[k]! - mlo[k]!) + off[k]!;
      }
    }
  },
};

/** The passes as WebAssembly SIMD on `memory`; every array must lie in it and C be a multiple of 4. */
export function simdPasses(memory: WasmMemory): Passes {
  const m = groupNormPasses(memory);
  const span = (from: number, to: number): number => 4 * (to - from);
  const at = (a: Float32Array, i: number): number => a.byteOffset + 4 * i;
  return {
    stats: (x, from, to, ref, s1, s2) =>
      m.stats(at(x, from), span(from, to), 4 * ref.length, ref.byteOffset, s1.byteOffset, s2.byteOffset),
    affine: (x, y, from, to, mhi, mlo, scale, shift) =>
      m.affine(
        at(x, from),
        at(y, from),
        span(from, to),
        4 * mhi.length,
        mhi.byteOffset,
        mlo.byteOffset,
        scale.byteOffset,
        shift.byteOffset,
      ),
    gradSums: (dy, x, from, to, mhi, mlo, rstd, sDy, sDyXhat) =>
      m.gradSums(
        at(dy, from),
        at(x, from),
        span(from, to),
        4 * mhi.length,
        mhi.byteOffset,
        mlo.byteOffset,
        rstd.byteOffset,
        sDy.byteOffset,
        sDyXhat.byteOffset,
      ),
    gradInput: (dy, x, dx, from, to, mhi, mlo, cDy, cX, off) =>
      m.gradInput(
        at(dy, from),
        at(x, from),
        at(dx, from),
        span(from, to),
        4 * mhi.length,
        mhi.byteOffset,
        mlo.byteOffset,
        cDy.byteOffset,
        cX.byteOffset,
        off.byteOffset,
      ),
  };
}

/** Per-channel vectors a kernel works with: five float32 and two float64 ones, C each. */
export interface Scratch {
  mhi: Float32Array;
  mlo: Float32Array;
  u: Float32Array;
  v: Float32Array;
  w: Float32Array;
  s1: Float64Array;
  s2: Float64Array;
}

/** Bytes of a {@link Scratch} for C channels. */
export function scratchBytes(c: number): number {
  return 2 * 8 * c + 5 * 4 * c;
}

/** A {@link Scratch} on `buffer` from `byteOffset` (8-byte aligned), or a fresh one. */
export function scratch(c: number, buffer?: ArrayBuffer, byteOffset = 0): Scratch {
  const b = buffer ?? new ArrayBuffer(scratchBytes(c));
  const f32 = (k: number): Float32Array => new Float32Array(b, byteOffset + 16 * c + 4 * c * k, c);
  return {
    s1: new Float64Array(b, byteOffset, c),
    s2: new Float64Array(b, byteOffset + 8 * c, c),
    mhi: f32(0),
    mlo: f32(1),
    u: f32(2),
    v: f32(3),
    w: f32(4),
  };
}

/** Sum of `v` over each group's channels: `out[g] = sum(v[g*cg .. (g+1)*cg - 1])`. */
function sumPerGroup(v: Float64Array, groups: number, out: Float64Array): void {
  const cg = v.length / groups;
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let k = g * cg; k < (g + 1) * cg; k++) s += v[k]!;
    out[g] = s;
  }
}

/** Writes the mean of each channel's group split into float32 `mhi` + `mlo`. */
function splitMean(mean: number, k: number, sc: Scratch): void {
  sc.mhi[k] = mean;
  sc.mlo[k] = mean - sc.mhi[k]!;
}

/**
 * Forward pass: `y = (x - mean) * rstd * gamma + beta` (or without the affine part when
 * `gamma` is undefined), statistics per sample and group over H, W and the group's
 * channels, written to `stats` (see {@link STATS}). The sums are taken around the group's
 * first value, so a mean far larger than the spread costs no precision.
 */
export function groupNormForward(
  passes: Passes,
  sc: Scratch,
  x: Float32Array,
  shape: readonly number[],
  attrs: GroupNormAttrs,
  gamma: Float32Array | undefined,
  beta: Float32Array | undefined,
  y: Float32Array,
  stats: Float32Array,
): void {
  const { n, positions, c, groups } = layout(shape, attrs.groups);
  if (positions === 0) return;
  const cg = c / groups;
  const count = positions * cg;
  const g1 = new Float64Array(groups);
  const g2 = new Float64Array(groups);
  for (let b = 0; b < n; b++) {
    const from = b * positions * c;
    const to = from + positions * c;
    for (let k = 0; k < c; k++) sc.mhi[k] = x[from + k - (k % cg)]!;
    sc.s1.fill(0);
    sc.s2.fill(0);
    passes.stats(x, from, to, sc.mhi, sc.s1, sc.s2);
    sumPerGroup(sc.s1, groups, g1);
    sumPerGroup(sc.s2, groups, g2);
    for (let g = 0; g < groups; g++) {
      const shifted = g1[g]! / count;
      const mean = sc.mhi[g * cg]! + shifted;
      const rstd = 1 / Math.sqrt(Math.max(g2[g]! / count - shifted * shifted, 0) + attrs.eps);
      const at = (b * groups + g) * STATS;
      stats[at] = mean;
      stats[at + 1] = mean - stats[at]!;
      stats[at + 2] = rstd;
      for (let k = g * cg; k < (g + 1) * cg; k++) {
        splitMean(mean, k, sc);
        sc.u[k] = gamma === undefined ? rstd : rstd * gamma[k]!;
        sc.v[k] = beta === undefined ? 0 : beta[k]!;
      }
    }
    passes.affine(x, y, from, to, sc.mhi, sc.mlo, sc.u, sc.v);
  }
}

/**
 * Backward pass with `xhat = (x - mean) * rstd` and `dxhat = dy * gamma` (`dy` without
 * the affine part): `dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))`, the
 * means taken over each sample's group; with `gamma`, also `dgamma = sum(dy * xhat)` and
 * `dbeta = sum(dy)` per channel over N, H and W. As gamma is constant per channel, the
 * group means follow from the per-channel sums of `dy` and `dy * xhat`.
 */
export function groupNormBackward(
  passes: Passes,
  sc: Scratch,
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
  const sumDyXhat = new Float64Array(c);
  const sumDy = new Float64Array(c);
  if (positions > 0) {
    const cg = c / groups;
    const count = positions * cg;
    const a1 = new Float64Array(c);
    const a2 = new Float64Array(c);
    const m1 = new Float64Array(groups);
    const m2 = new Float64Array(groups);
    for (let b = 0; b < n; b++) {
      const from = b * positions * c;
      const to = from + positions * c;
      for (let k = 0; k < c; k++) {
        const at = (b * groups + Math.floor(k / cg)) * STATS;
        sc.mhi[k] = stats[at]!;
        sc.mlo[k] = stats[at + 1]!;
        sc.u[k] = stats[at + 2]!;
      }
      sc.s1.fill(0);
      sc.s2.fill(0);
      passes.gradSums(dy, x, from, to, sc.mhi, sc.mlo, sc.u, sc.s1, sc.s2);
      for (let k = 0; k < c; k++) {
        const gk = gamma === undefined ? 1 : gamma[k]!;
        sumDy[k] += sc.s1[k]!;
        sumDyXhat[k] += sc.s2[k]!;
        a1[k] = gk * sc.s1[k]!;
        a2[k] = gk * sc.s2[k]!;
      }
      sumPerGroup(a1, groups, m1);
      sumPerGroup(a2, groups, m2);
      // dx = rstd*gamma*dy - rstd^2*mean(dxhat*xhat)*(x - mean) - rstd*mean(dxhat).
      for (let k = 0; k < c; k++) {
        const g = Math.floor(k / cg);
        const r = sc.u[k]!;
        sc.u[k] = r * (gamma === undefined ? 1 : gamma[k]!);
        sc.v[k] = (-r * r * m2[g]!) / count;
        sc.w[k] = (-r * m1[g]!) / count;
      }
      passes.gradInput(dy, x, dx, from, to, sc.mhi, sc.mlo, sc.u, sc.v, sc.w);
    }
  }
  if (dgamma !== undefined) dgamma.set(sumDyXhat);
  if (dbeta !== undefined) dbeta.set(sumDy);
}

/**
 * The first 8-byte aligned byte offset at or after a pointer `_malloc` returned. The
 * module's `_malloc` returns a signed 32-bit value, negative past 2 GiB of heap; as a byte
 * offset it is the same bits unsigned.
 */
export function alignedHeapOffset(ptr: number): number {
  const offset = ptr >>> 0;
  return offset + ((8 - (offset % 8)) % 8);
}

/** What the kernels need beyond {@link WasmBackend}: the module's memory and allocator. */
interface WasmModule {
  wasm: { asm?: { memory?: WasmMemory }; _malloc(bytes: number): number; _free(ptr: number): void };
}

/**
 * Runs `body` with the passes and scratch for C channels: WebAssembly SIMD with scratch
 * on the wasm heap when C is a multiple of 4 and the memory is reachable, else the
 * JavaScript loops. Take heap views inside `body` (allocating may grow the heap).
 */
function withPasses(backend: WasmBackend, c: number, body: (passes: Passes, sc: Scratch) => void): void {
  const { wasm } = backend as unknown as WasmModule;
  const memory = wasm.asm?.memory;
  if (c % 4 !== 0 || memory === undefined) {
    body(scalarPasses, scratch(c));
    return;
  }
  const ptr = wasm._malloc(scratchBytes(c) + 8);
  try {
    body(simdPasses(memory), scratch(c, memory.buffer, alignedHeapOffset(ptr)));
  } finally {
    wasm._free(ptr);
  }
}

const forwardKernel: tf.KernelFunc = ({ inputs, attrs, backend: b }) => {
  const backend = b as unknown as WasmBackend;
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as GroupNormAttrs;
  const y = backend.makeOutput([...x!.shape], 'float32');
  const stats = backend.makeOutput([x!.shape[0]!, a.groups, STATS], 'float32');
  withPasses(backend, x!.shape[3]!, (passes, sc) =>
    groupNormForward(
      passes,
      sc,
      floats(backend, x!),
      x!.shape,
      a,
      gamma && floats(backend, gamma),
      beta && floats(backend, beta),
      floats(backend, y),
      floats(backend, stats),
    ),
  );
  return [y, stats];
};

const backwardKernel: tf.KernelFunc = ({ inputs, attrs, backend: b }) => {
  const backend = b as unknown as WasmBackend;
  const { dy, x, stats, gamma } = inputs as Record<string, tf.TensorInfo | undefined>;
  const { groups } = attrs as unknown as { groups: number };
  const dx = backend.makeOutput([...x!.shape], 'float32');
  const affine = gamma === undefined ? [] : [0, 1].map(() => backend.makeOutput([...gamma.shape], 'float32'));
  withPasses(backend, x!.shape[3]!, (passes, sc) =>
    groupNormBackward(
      passes,
      sc,
      floats(backend, dy!),
      floats(backend, x!),
      floats(backend, stats!),
      x!.shape,
      groups,
      gamma && floats(backend, gamma),
      floats(backend, dx),
      affine[0] && floats(backend, affine[0]),
      affine[1] && floats(backend, affine[1]),
    ),
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
