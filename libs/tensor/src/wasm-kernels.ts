/**
 * Faster replacements for some of the wasm backend's kernels, with the same results bit
 * for bit.
 *
 * - `Identity` and same-dtype `Cast` share the buffer. tfjs-core clones (`Identity`) every
 *   tensor a gradient keeps for the backward pass and the stock Multiply / RealDiv
 *   gradients cast float32 to float32; wasm's own kernels copy the whole buffer each time
 *   (2 589 Identity and 631 Cast of 10 111 kernels for a NAS-Unet V3 `small` step). Tensor
 *   buffers are never written after creation (a variable's `assign` points it at a new
 *   buffer), so the output can share the input's buffer under a reference count, exactly
 *   as the cpu backend's `Identity` and wasm's own `Reshape` do.
 * - `Slice`, `StridedSlice`, `SplitV` and `Concat` move data with {@link stridedCopy}.
 *   wasm's own Slice and Concat copy one `subarray` per innermost row, i.e. per 16 floats
 *   for a channel split of a 16-channel NAS-Unet cell (the gradient of the cell's
 *   concatenation) and for the crops of the convolution gradients, and its StridedSlice
 *   (the strided taps of a stride-2 depthwise filter gradient) is a generic element loop;
 *   merged rows and plain loops are several times faster.
 * - `MaxPoolGrad` is one loop over the windows (max-pool-grad.ts). wasm's own kernel gives
 *   wrong answers (self-check.ts), so without this replacement the gradient is a
 *   composition of about a dozen kernels per window tap (pool-grads.ts).
 */
import { tf } from './tf.js';
import { stridedSliceInfo, type StridedSliceAttrs } from './slice-grads.js';
import { rowMajorStrides, stridedCopy } from './strided-copy.js';
import { maxPoolGradInto } from './max-pool-grad.js';
import { poolInfo, type PoolGeometry } from './pool-grads.js';

/** The parts of the wasm backend these kernels (and group-norm-kernels.ts) use. */
export interface WasmBackend {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The wasm kernels replaced by the ones of this module. */
export const WASM_REPLACED_KERNELS = [
  'Identity',
  'Cast',
  'Slice',
  'StridedSlice',
  'SplitV',
  'Concat',
  'MaxPoolGrad',
] as const;
type Replaced = (typeof WASM_REPLACED_KERNELS)[number];
type Kernels = Record<Replaced, tf.KernelFunc>;

let stock: Kernels | undefined;

/** A float32 tensor's values on the wasm heap, in place (take it after the last `makeOutput`). */
export function floats(backend: WasmBackend, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The 32-bit words of a float32 or int32 tensor on the wasm heap (take it after the last `makeOutput`). */
function words(backend: WasmBackend, t: tf.TensorInfo): Int32Array {
  const v = backend.typedArrayFromHeap(t);
  return new Int32Array(v.buffer, v.byteOffset, v.length);
}

/** Tensors these kernels copy: 4-byte elements. */
function wordSized(t: tf.TensorInfo): boolean {
  return t.dtype === 'float32' || t.dtype === 'int32';
}

function input(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  return args.inputs['x'] as tf.TensorInfo;
}

function backendOf(args: Parameters<tf.KernelFunc>[0]): WasmBackend {
  return args.backend as unknown as WasmBackend;
}

function share(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Shares the buffer for float32/int32/bool tensors; strings (and real casts) take the stock kernel. */
function shareOr(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = input(args);
    const dtype = (args.attrs as { dtype?: string } | undefined)?.dtype ?? x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) return fallback(args);
    return share(backendOf(args), x);
  };
}

/** Copies the box `size` at `begin` of `x` (words `src`) to `dst`. */
function sliceInto(
  x: tf.TensorInfo,
  src: Int32Array,
  begin: readonly number[],
  size: readonly number[],
  dst: Int32Array,
): void {
  const strides = rowMajorStrides(x.shape);
  const offset = begin.reduce((acc, b, k) => acc + b * strides[k]!, 0);
  stridedCopy(src, offset, strides, dst, 0, rowMajorStrides(size), size);
}

function replacements(orig: Kernels): Kernels {
  return {
    Identity: shareOr(orig.Identity),
    Cast: shareOr(orig.Cast),
    Slice: (args) => {
      const x = input(args);
      if (!wordSized(x)) return orig.Slice(args);
      const a = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size);
      const backend = backendOf(args);
      const out = backend.makeOutput(size, x.dtype);
      sliceInto(x, words(backend, x), begin, size, words(backend, out));
      return out;
    },
    StridedSlice: (args) => {
      const x = input(args);
      const a = args.attrs as unknown as StridedSliceAttrs;
      if (!wordSized(x) || a.ellipsisMask !== 0 || a.newAxisMask !== 0 || a.shrinkAxisMask !== 0) {
        return orig.StridedSlice(args);
      }
      const info = stridedSliceInfo(x.shape, a);
      const backend = backendOf(args);
      const out = backend.makeOutput(info.finalShape, x.dtype);
      const strides = rowMajorStrides(x.shape);
      const offset = info.begin.reduce((acc, b, k) => acc + b * strides[k]!, 0);
      const box = info.finalShapeSparse;
      stridedCopy(
        words(backend, x),
        offset,
        strides.map((st, k) => st * info.strides[k]!),
        words(backend, out),
        0,
        rowMajorStrides(box),
        box,
      );
      return out;
    },
    SplitV: (args) => {
      const x = input(args);
      if (!wordSized(x)) return orig.SplitV(args);
      const a = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
      const axis = tf.util.parseAxisParam(a.axis, x.shape)[0]!;
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, a.numOrSizeSplits, axis);
      const backend = backendOf(args);
      const boxes = sizes.map((s) => x.shape.map((n, k) => (k === axis ? s : n)));
      const outs = boxes.map((box) => backend.makeOutput(box, x.dtype));
      const src = words(backend, x);
      const begin = x.shape.map(() => 0);
      outs.forEach((out, i) => {
        sliceInto(x, src, begin, boxes[i]!, words(backend, out));
        begin[axis]! += sizes[i]!;
      });
      return outs;
    },
    Concat: (args) => {
      const all = args.inputs as unknown as tf.TensorInfo[];
      if (all.length === 0 || !all.every(wordSized)) return orig.Concat(args);
      const axis = tf.util.parseAxisParam(
        (args.attrs as unknown as { axis: number }).axis,
        all[0]!.shape,
      )[0]!;
      const shape = tf.backend_util.computeOutShape(
        all.map((t) => t.shape),
        axis,
      );
      const parts = all.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
      const backend = backendOf(args);
      if (parts.length === 1) return share(backend, parts[0]!);
      const out = backend.makeOutput(shape, all[0]!.dtype);
      if (parts.length === 0) return out;
      const dst = words(backend, out);
      const outStrides = rowMajorStrides(shape);
      let at = 0;
      for (const t of parts) {
        const src = words(backend, t);
        stridedCopy(src, 0, rowMajorStrides(t.shape), dst, at * outStrides[axis]!, outStrides, t.shape);
        at += t.shape[axis]!;
      }
      return out;
    },
    MaxPoolGrad: (args) => {
      const { dy, input: x, output: y } = args.inputs as Record<'dy' | 'input' | 'output', tf.TensorInfo>;
      if (![dy, x, y].every((t) => t.dtype === 'float32')) return orig.MaxPoolGrad(args);
      const info = poolInfo(x.shape, args.attrs as unknown as PoolGeometry);
      const backend = backendOf(args);
      const dx = backend.makeOutput([...x.shape], 'float32');
      maxPoolGradInto(floats(backend, x), floats(backend, y), floats(backend, dy), floats(backend, dx), info);
      return dx;
    },
  };
}

/**
 * Puts the kernels above in place of wasm's own (idempotent). Called by `initBackend`;
 * `restoreWasmStockKernels` puts the stock ones back.
 */
export function registerWasmKernels(): void {
  if (stock !== undefined) return;
  const found = WASM_REPLACED_KERNELS.map((name) => tf.getKernel(name, 'wasm')?.kernelFunc);
  if (found.some((f) => f === undefined)) return;
  stock = Object.fromEntries(WASM_REPLACED_KERNELS.map((name, i) => [name, found[i]!])) as Kernels;
  const mine = replacements(stock);
  for (const name of WASM_REPLACED_KERNELS) swap(name, mine[name]);
}

/** Whether the kernels above are in place on `backend` (MaxPoolGrad is then trusted on wasm). */
export function wasmKernelsRegistered(backend: string): boolean {
  return backend === 'wasm' && stock !== undefined;
}

/** Puts wasm's stock kernels back (for before/after measurements and tests). */
export function restoreWasmStockKernels(): void {
  if (stock === undefined) return;
  for (const name of WASM_REPLACED_KERNELS) swap(name, stock[name]);
  stock = undefined;
}

function swap(kernelName: string, kernelFunc: tf.KernelFunc): void {
  const setupFunc = tf.getKernel(kernelName, 'wasm')?.setupFunc;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, ...(setupFunc ? { setupFunc } : {}) });
}
