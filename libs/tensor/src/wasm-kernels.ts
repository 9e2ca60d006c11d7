/**
 * Zero-copy `Identity` and same-dtype `Cast` kernels for the wasm backend.
 *
 * tfjs-core clones (`Identity`) every tensor a gradient keeps for the backward pass and
 * the stock Multiply / RealDiv gradients cast float32 to float32; wasm's own kernels copy
 * the whole buffer each time. In a NAS-Unet training step that was a third of all kernels
 * (2 589 Identity and 631 Cast of 10 111 for V3 at the `small` preset). Tensor buffers are
 * never written after creation (a variable's `assign` points it at a new buffer), so the
 * output can share the input's buffer under a reference count, exactly as the cpu
 * backend's `Identity` and wasm's own `Reshape` do: same values, no copy.
 */
import { tf } from './tf.js';

interface RefCountingBackend {
  incRef(dataId: object): void;
}

let original: { identity?: tf.KernelFunc; cast?: tf.KernelFunc } | undefined;

/** Shares the buffer for float32/int32/bool tensors; strings (and real casts) take the original kernel. */
function shareOr(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const dtype = (args.attrs as { dtype?: string } | undefined)?.dtype ?? x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) return fallback(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/**
 * Replaces wasm's `Identity` and `Cast` kernels by buffer-sharing ones (idempotent).
 * Called by `initBackend`; `restoreWasmCopyKernels` puts the copying ones back.
 */
export function registerWasmZeroCopyKernels(): void {
  if (original !== undefined) return;
  const identity = tf.getKernel('Identity', 'wasm')?.kernelFunc;
  const cast = tf.getKernel('Cast', 'wasm')?.kernelFunc;
  if (identity === undefined || cast === undefined) return;
  original = { identity, cast };
  swap('Identity', shareOr(identity));
  swap('Cast', shareOr(cast));
}

/** Puts wasm's copying kernels back (for before/after measurements and tests). */
export function restoreWasmCopyKernels(): void {
  if (original === undefined) return;
  swap('Identity', original.identity!);
  swap('Cast', original.cast!);
  original = undefined;
}

function swap(kernelName: string, kernelFunc: tf.KernelFunc): void {
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}
