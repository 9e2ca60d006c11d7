/**
 * Kernels of the wasm backend through the native addon of `libs/tensor/native`
 * (single-threaded, in place on the backend's heap):
 *
 * - `Conv2D`, `Conv2DBackpropInput` (also the forward pass of a transposed conv) and
 *   `Conv2DBackpropFilter` as matrix products: the addon's AVX-512 tiles where the processor
 *   has AVX-512 ({@link gemmKernel}; stride-1 convolutions on wide images without an im2col
 *   matrix), im2col plus OpenBLAS's `sgemm` elsewhere. wasm's own convolutions are XNNPACK's
 *   128-bit SIMD path and it has no filter gradient at all.
 * - `Sum` and `Mean` over a contiguous block of axes as OpenBLAS's `sgemv` with a vector of
 *   ones (wasm's Sum is a scalar loop).
 * - {@link RELU_GRAD} and the weighted sums of weighted-sum.ts, one pass each; registering
 *   also gives the layout kernels' strided copies (strided-copy.ts) the addon's `memcpy`
 *   loop and the max-pool gradient (max-pool-grad.ts) its C loop.
 *
 * The addon is built by `npm ci` when g++ and libopenblas-dev are present; without it the
 * kernels stay wasm's and the gradients our compositions (gradients.ts). Any stride,
 * dilation and padding tfjs accepts are computed here, NHWC only. Speeds: BENCHMARKS.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from './tf.js';
import { convInfo, type ConvGeometry } from './conv-grads.js';
import { pair } from './geometry.js';
import { floats, type WasmBackend } from './wasm-kernels.js';
import { useNativeCopy, type NativeCopy } from './strided-copy.js';
import { useNativeMaxPoolGrad } from './max-pool-grad.js';
import { WEIGHTED_SUM, WEIGHTED_SUM_GRAD, termName } from './weighted-sum.js';

/** The addon's functions: operands as Float32Arrays, geometry as {@link geometryOf}. */
interface BlasAddon {
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, geometry: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  /** `out[r]` = the sum of row r of `x` (out.length equal rows). */
  sumRows(x: Float32Array, out: Float32Array): void;
  /** `out[c]` = the sum of column c of `x` (rows of out.length values). */
  sumColumns(x: Float32Array, out: Float32Array): void;
  /** The box copy of strided-copy.ts ({@link NativeCopy}). */
  copyStrided: NativeCopy;
  blasConfig(): string;
  /** The max-pool gradient of max-pool-grad.ts (dx overwritten); geometry with the window as filter. */
  maxPoolGrad(
    x: Float32Array,
    y: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    geometry: Int32Array,
  ): void;
  /** `dx = y > 0 ? dy : 0`, all of one length, dx a separate array. */
  reluGrad(dy: Float32Array, y: Float32Array, dx: Float32Array): void;
  /** `out = sum_k w[k] * terms[k]` (weighted-sum.ts). */
  weightedSum(terms: Float32Array[], w: Float32Array, out: Float32Array): void;
  /** `dterms[k] = w[k] * dy`, `dw[k] = sum(terms[k] * dy)`. */
  weightedSumGrad(
    dy: Float32Array,
    terms: Float32Array[],
    w: Float32Array,
    dterms: Float32Array[],
    dw: Float32Array,
  ): void;
  /** The convolutions' matrix product; with a name, switches to it first. */
  gemmKernel(name?: GemmKernel): GemmKernel;
}

/** Who multiplies the convolutions' matrices: the addon's AVX-512 tiles or OpenBLAS. */
export type GemmKernel = 'avx512' | 'openblas';

/** Where the build puts the addon, relative to the repository root. */
export const BLAS_ADDON = join('libs', 'tensor', 'native', 'build', 'Release', 'blas_kernels.node');

/** The convolution kernels computed by the addon on wasm when registered. */
export const BLAS_CONV_KERNELS = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const;
/**
 * The ReLU gradient from the ReLU's output, `dx = y > 0 ? dy : 0` (inputs `dy`, `y`): one
 * pass where tfjs's gradient runs Step, Cast and Multiply (gradients.ts uses it where registered).
 */
export const RELU_GRAD = 'NasunetReluGrad';
/** Every kernel the addon computes on wasm when registered. */
export const BLAS_KERNELS = [
  ...BLAS_CONV_KERNELS,
  'Sum',
  'Mean',
  RELU_GRAD,
  WEIGHTED_SUM,
  WEIGHTED_SUM_GRAD,
] as const;
type ConvKernel = (typeof BLAS_CONV_KERNELS)[number];
type BlasKernel = (typeof BLAS_KERNELS)[number];

type Loaded = { ok: true; addon: BlasAddon; config: string } | { ok: false; reason: string };
let loaded: Loaded | undefined;

/** Loads the addon once; the reason says why it is unavailable. */
export function loadBlasAddon(): Loaded {
  loaded ??= tryLoad();
  return loaded;
}

/** The AVX-512 subsets OpenBLAS's SkylakeX kernels use. */
const AVX512_FLAGS = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'];

/**
 * What OpenBLAS reads from the environment when it loads, where the user has not set it:
 * - `OPENBLAS_NUM_THREADS=1`: the addon calls it on one thread (parallelism is one worker
 *   per core), so no pool of idle threads is started.
 * - `OPENBLAS_CORETYPE=SKYLAKEX` where the processor has the AVX-512 subsets: OpenBLAS
 *   0.3.21 (Debian 12) takes AMD Zen 4, which has AVX-512, for a Haswell (AVX2), 1.4-2.4x
 *   slower on our convolution shapes.
 */
function configureOpenBlas(): void {
  process.env['OPENBLAS_NUM_THREADS'] ??= '1';
  if (process.env['OPENBLAS_CORETYPE'] !== undefined || process.arch !== 'x64') return;
  let flags: Set<string>;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
    flags = new Set(line.trim().split(/\s+/));
  } catch {
    return;
  }
  if (AVX512_FLAGS.every((f) => flags.has(f))) process.env['OPENBLAS_CORETYPE'] = 'SKYLAKEX';
}

function tryLoad(): Loaded {
  // From the sources (libs/tensor/src) and from the build (dist/libs/tensor/src).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, dir = dirname(dir)) {
    const file = join(dir, BLAS_ADDON);
    if (!existsSync(file)) continue;
    try {
      configureOpenBlas();
      const addon = createRequire(import.meta.url)(file) as BlasAddon;
      return { ok: true, addon, config: addon.blasConfig() };
    } catch (e) {
      return { ok: false, reason: `${file} does not load: ${(e as Error).message}` };
    }
  }
  return {
    ok: false,
    reason: `${BLAS_ADDON} is not built (npm ci builds it where g++ and libopenblas-dev are installed)`,
  };
}

/** The addon's geometry vector of one convolution (see blas_kernels.c, `enum geometry`). */
function geometryOf(info: tf.backend_util.Conv2DInfo): Int32Array | undefined {
  const p = info.padInfo;
  if (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0) return undefined;
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    p.top,
    p.left,
  ]);
}

interface ConvAttrs extends Partial<ConvGeometry> {
  dataFormat?: string;
  inputShape?: number[];
  filterShape?: number[];
}

function geometryAttrs(a: ConvAttrs): ConvGeometry {
  return {
    strides: a.strides ?? 1,
    pad: a.pad ?? 'valid',
    dilations: a.dilations ?? 1,
    ...(a.dimRoundingMode !== undefined ? { dimRoundingMode: a.dimRoundingMode } : {}),
  };
}

let stock: Partial<Record<BlasKernel, tf.KernelConfig>> | undefined;

/** wasm's own kernel `name` on `args`, for what the addon does not compute. */
function ownKernel(name: BlasKernel, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const own = stock?.[name]?.kernelFunc;
  if (own === undefined) throw new Error(`${name}: not available on wasm for these inputs`);
  return own(args);
}

/**
 * One convolution kernel: shapes from the attributes, the output made on the heap, then the
 * addon. NCHW, float types other than float32 and negative padding go to wasm's own kernel
 * (or, for the filter gradient, which wasm lacks, fail as without this module).
 */
function convKernel(name: ConvKernel, addon: BlasAddon): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackend;
    const a = args.attrs as unknown as ConvAttrs;
    const ins = args.inputs as Record<string, tf.TensorInfo>;
    const fallback = () => {
      // wasm's own backprop kernels know no dilation: refuse rather than compute without it.
      const [dh, dw] = pair(a.dilations ?? 1);
      if (name !== 'Conv2D' && (dh !== 1 || dw !== 1)) {
        throw new Error(`${name}: dilation ${dh}x${dw} with this geometry is not supported on wasm`);
      }
      return ownKernel(name, args);
    };
    if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') return fallback();
    if (Object.values(ins).some((t) => t.dtype !== 'float32')) return fallback();
    const g = geometryAttrs(a);
    if (name === 'Conv2D') {
      const { x, filter } = ins as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const info = convInfo(x.shape, filter.shape, g);
      const geometry = geometryOf(info);
      if (geometry === undefined) return fallback();
      const y = backend.makeOutput(outShape(info), 'float32');
      addon.conv2d(floats(backend, x), floats(backend, filter), floats(backend, y), geometry);
      return y;
    }
    if (name === 'Conv2DBackpropInput') {
      const { dy, filter } = ins as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const info = convInfo(a.inputShape!, filter.shape, g);
      const geometry = geometryOf(info);
      if (geometry === undefined || !tf.util.arraysEqual(dy.shape, outShape(info))) return fallback();
      const dx = backend.makeOutput([...a.inputShape!], 'float32');
      addon.conv2dBackpropInput(floats(backend, dy), floats(backend, filter), floats(backend, dx), geometry);
      return dx;
    }
    const { x, dy } = ins as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const info = convInfo(x.shape, a.filterShape!, g);
    const geometry = geometryOf(info);
    if (geometry === undefined || !tf.util.arraysEqual(dy.shape, outShape(info))) return fallback();
    const dw = backend.makeOutput([...a.filterShape!], 'float32');
    addon.conv2dBackpropFilter(floats(backend, x), floats(backend, dy), floats(backend, dw), geometry);
    return dw;
  };
}

function outShape(info: tf.backend_util.Conv2DInfo): number[] {
  return [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

/**
 * `x` as `[outer, reduced, inner]` when the sorted, distinct `axes` are one contiguous block
 * of its axes; undefined otherwise.
 */
function reductionBlock(
  shape: readonly number[],
  axes: readonly number[],
): [number, number, number] | undefined {
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first !== axes.length - 1) return undefined;
  const size = (a: number, b: number): number => shape.slice(a, b).reduce((p, n) => p * n, 1);
  return [size(0, first), size(first, last + 1), size(last + 1, shape.length)];
}

/**
 * `Sum` or `Mean` of a float32 tensor over one contiguous block of axes: matrix-vector
 * products with a vector of ones. Over innermost axes (a full sum among them) that is the
 * row sums of one matrix, over leading axes the column sums (as the gradient of a bias added
 * to every pixel takes them), over middle axes the column sums of each outer slice (a
 * global average pool over H and W of NHWC). Other reductions go to wasm's own kernel,
 * which transposes first.
 */
function reductionKernel(name: 'Sum' | 'Mean', addon: BlasAddon): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackend;
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (x.dtype !== 'float32') return ownKernel(name, args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const block = axes.length === 0 ? undefined : reductionBlock(x.shape, axes);
    if (block === undefined) return ownKernel(name, args);
    const [outer, reduced, inner] = block;
    const kept = x.shape.filter((_, i) => !axes.includes(i));
    const out = backend.makeOutput(
      keepDims ? tf.backend_util.expandShapeToKeepDim(kept, axes) : kept,
      'float32',
    );
    const [xs, ys] = [floats(backend, x), floats(backend, out)];
    if (inner === 1) addon.sumRows(xs, ys);
    else if (outer === 1) addon.sumColumns(xs, ys);
    else {
      for (let o = 0; o < outer; o++) {
        const slice = xs.subarray(o * reduced * inner, (o + 1) * reduced * inner);
        addon.sumColumns(slice, ys.subarray(o * inner, (o + 1) * inner));
      }
    }
    if (name === 'Mean' && reduced > 0) {
      for (let i = 0; i < ys.length; i++) ys[i]! /= reduced;
    }
    return out;
  };
}

function reluGradKernel(addon: BlasAddon): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackend;
    const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const dx = backend.makeOutput([...dy.shape], 'float32');
    addon.reluGrad(floats(backend, dy), floats(backend, y), floats(backend, dx));
    return dx;
  };
}

/** The terms `t0` ... of a weighted-sum kernel's inputs. */
function termsOf(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { count } = args.attrs as unknown as { count: number };
  const ins = args.inputs as Record<string, tf.TensorInfo>;
  return Array.from({ length: count }, (_, k) => ins[termName(k)]!);
}

function weightedSumKernel(addon: BlasAddon): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackend;
    const terms = termsOf(args);
    const { w } = args.inputs as { w: tf.TensorInfo };
    const out = backend.makeOutput([...terms[0]!.shape], 'float32');
    addon.weightedSum(
      terms.map((t) => floats(backend, t)),
      floats(backend, w),
      floats(backend, out),
    );
    return out;
  };
}

function weightedSumGradKernel(addon: BlasAddon): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackend;
    const terms = termsOf(args);
    const { dy, w } = args.inputs as { dy: tf.TensorInfo; w: tf.TensorInfo };
    const dterms = terms.map((t) => backend.makeOutput([...t.shape], 'float32'));
    const dw = backend.makeOutput([...w.shape], 'float32');
    // Views after the last makeOutput: allocating may move the heap.
    addon.weightedSumGrad(
      floats(backend, dy),
      terms.map((t) => floats(backend, t)),
      floats(backend, w),
      dterms.map((t) => floats(backend, t)),
      floats(backend, dw),
    );
    return [...dterms, dw];
  };
}

function kernelOf(name: BlasKernel, addon: BlasAddon): tf.KernelFunc {
  if (name === 'Sum' || name === 'Mean') return reductionKernel(name, addon);
  if (name === RELU_GRAD) return reluGradKernel(addon);
  if (name === WEIGHTED_SUM) return weightedSumKernel(addon);
  if (name === WEIGHTED_SUM_GRAD) return weightedSumGradKernel(addon);
  return convKernel(name, addon);
}

/**
 * Puts the BLAS kernels in place on wasm (idempotent). Returns, for the start-up line, the
 * BLAS build that computes them, or why wasm's own kernels do.
 */
export function registerBlasKernels(): string {
  const lib = loadBlasAddon();
  if (!lib.ok) return `BLAS kernels: none (${lib.reason})`;
  const what = `BLAS kernels: ${lib.config}; convolution products: ${lib.addon.gemmKernel()}`;
  if (stock !== undefined) return what;
  if (tf.getKernel('Conv2D', 'wasm') === undefined) return `BLAS kernels: none (no wasm backend)`;
  stock = {};
  for (const name of BLAS_KERNELS) {
    const own = tf.getKernel(name, 'wasm');
    if (own !== undefined) {
      stock[name] = own;
      tf.unregisterKernel(name, 'wasm');
    }
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: kernelOf(name, lib.addon),
      ...(own?.setupFunc ? { setupFunc: own.setupFunc } : {}),
    });
  }
  useNativeCopy(lib.addon.copyStrided);
  useNativeMaxPoolGrad((x, y, dy, dx, info) => {
    const geometry = geometryOf(info);
    if (geometry === undefined) return false;
    lib.addon.maxPoolGrad(x, y, dy, dx, geometry);
    return true;
  });
  return what;
}

/**
 * The convolutions' matrix product in use, after switching to `name` when given (for
 * measurements and tests; the addon picks AVX-512 where the processor has it). Throws where
 * the addon is not built or `name` is "avx512" on a processor without AVX-512.
 */
export function gemmKernel(name?: GemmKernel): GemmKernel {
  const lib = loadBlasAddon();
  if (!lib.ok) throw new Error(`BLAS kernels: none (${lib.reason})`);
  return name === undefined ? lib.addon.gemmKernel() : lib.addon.gemmKernel(name);
}

/** Puts wasm's own kernels back (for before/after measurements and tests). */
export function unregisterBlasKernels(): void {
  if (stock === undefined) return;
  for (const name of BLAS_KERNELS) {
    tf.unregisterKernel(name, 'wasm');
    const own = stock[name];
    if (own !== undefined) tf.registerKernel(own);
  }
  useNativeCopy(undefined);
  useNativeMaxPoolGrad(undefined);
  stock = undefined;
}

/** Whether `backend` computes convolutions (with both gradients), sums and means with the BLAS kernels. */
export function blasKernelsRegistered(backend: string): boolean {
  return backend === 'wasm' && stock !== undefined;
}
