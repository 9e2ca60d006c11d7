/**
 * Gradient registrations (`tf.registerGradient`) for the kernels whose stock tfjs gradient
 * is missing or wrong on some backend, so model code just calls `tf.conv2d`,
 * `tf.depthwiseConv2d`, `tf.conv2dTranspose` and `tf.maxPool`:
 *
 * - `Conv2D`: filter gradient on wasm (no Conv2DBackpropFilter kernel), dilation > 1 everywhere.
 * - `Conv2DBackpropInput` (= conv2dTranspose): its filter gradient, same reason.
 * - `DepthwiseConv2dNative`: input and filter gradients on wasm, dilation > 1 everywhere.
 * - `MaxPool`: the wasm MaxPoolGrad kernel gives wrong answers; ours replaces it there
 *   (wasm-kernels.ts), else the composition of pool-grads.ts.
 * - `AvgPool`: every backend's AvgPoolGrad divides by the full window where the forward
 *   divided by the valid (non-padding) count, i.e. wrong wherever a window overlaps padding.
 * - `StridedSlice`: tfjs has no gradient for it at all.
 * - `Relu`: where the BLAS addon's {@link RELU_GRAD} kernel is registered, one pass from the
 *   ReLU's output instead of tfjs's Step, Cast and Multiply; elsewhere the same composition.
 * - `Sum` and `Mean`: tfjs's builds a tensor of ones in JavaScript and uploads it per call
 *   (14 ms per million elements on wasm, the loss's sums over every pixel); ours multiplies
 *   by a `Fill` kernel's ones (1 ms).
 *
 * A registered gradient is global (one per kernel name), so each one picks per call: the
 * backend's own backprop kernel where it is trusted (see {@link STOCK_KERNELS}) and the
 * geometry is one it supports, else a composition of forward kernels (conv-grads.ts,
 * depthwise-grads.ts, pool-grads.ts). With the BLAS convolutions registered on wasm
 * (blas-kernels.ts), both conv2d gradients are kernels there too, at any dilation.
 */
import { ValidationError } from '../../core/src/errors.js';
import { tf, type Tensor, type Tensor4D } from './tf.js';
import {
  conv2dFilterGradComposed,
  conv2dInputGradComposed,
  type ConvGeometry,
  type ConvPadding,
  type RoundingMode,
} from './conv-grads.js';
import { depthwiseFilterGradComposed, depthwiseInputGradComposed } from './depthwise-grads.js';
import { avgPoolGradComposed, maxPoolGradComposed, poolInfo, type PoolGeometry } from './pool-grads.js';
import { stridedSliceGrad, type StridedSliceAttrs } from './slice-grads.js';
import { BLAS_CONV_KERNELS, RELU_GRAD, blasKernelsRegistered } from './blas-kernels.js';
import { wasmKernelsRegistered } from './wasm-kernels.js';
import { pair, type Pair } from './geometry.js';

/**
 * Backprop kernels used as they are, per backend. Anything else goes through our
 * compositions. `cpu` and `tensorflow` are reference implementations; webgpu's
 * filter-gradient kernels are ~1000x slower than a forward conv, so the composition is
 * used there.
 */
export const STOCK_KERNELS: Readonly<Record<string, readonly string[]>> = {
  cpu: [
    'Conv2DBackpropInput',
    'Conv2DBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
    'MaxPoolGrad',
  ],
  tensorflow: [
    'Conv2DBackpropInput',
    'Conv2DBackpropFilter',
    'DepthwiseConv2dNativeBackpropInput',
    'DepthwiseConv2dNativeBackpropFilter',
    'MaxPoolGrad',
  ],
  // wasm's Conv2DBackpropInput is correct but 3-20x slower than the composition (measured
  // on the benchmark U-Net's layer shapes), so wasm uses compositions only.
  wasm: [],
  webgpu: ['Conv2DBackpropInput'],
};

/** `auto`: stock kernels where trusted (default); `composed`: always our compositions (tests). */
export type GradientMode = 'auto' | 'composed';
let mode: GradientMode = 'auto';

/** Selects how registered gradients are computed; returns the previous mode. */
export function setGradientMode(next: GradientMode): GradientMode {
  const prev = mode;
  mode = next;
  return prev;
}

function useStock(kernelName: string, dilations: Pair = 1): boolean {
  if (mode === 'composed') return false;
  const backend = tf.getBackend();
  if (blasKernelsRegistered(backend) && (BLAS_CONV_KERNELS as readonly string[]).includes(kernelName)) {
    return true;
  }
  if (kernelName === 'MaxPoolGrad' && wasmKernelsRegistered(backend)) return true;
  const [dh, dw] = pair(dilations);
  if (dh !== 1 || dw !== 1) return false;
  return (
    (STOCK_KERNELS[backend] ?? []).includes(kernelName) && tf.getKernel(kernelName, backend) !== undefined
  );
}

function run(kernelName: string, inputs: Record<string, Tensor>, attrs: Record<string, unknown>): Tensor4D {
  return tf.engine().runKernel(kernelName, inputs, attrs as never) as Tensor4D;
}

interface ConvAttrs {
  strides: Pair;
  pad: ConvPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: Pair;
  dimRoundingMode?: RoundingMode;
}

function requireNhwc(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new ValidationError(
      `${kernel}: gradients are implemented for dataFormat 'NHWC' only (got '${dataFormat}')`,
    );
  }
}

/** Input gradient of conv2d, `[N, H, W, Cin]`. */
export function conv2dInputGrad(
  dy: Tensor4D,
  filter: Tensor4D,
  xShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  if (useStock('Conv2DBackpropInput', g.dilations)) {
    return run(
      'Conv2DBackpropInput',
      { dy, filter },
      {
        strides: g.strides,
        pad: g.pad,
        dataFormat: 'NHWC',
        dilations: g.dilations,
        dimRoundingMode: g.dimRoundingMode,
        inputShape: xShape,
      },
    );
  }
  return conv2dInputGradComposed(dy, filter, xShape, g);
}

/** Filter gradient of conv2d, `[kh, kw, Cin, Cout]`. */
export function conv2dFilterGrad(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  if (useStock('Conv2DBackpropFilter', g.dilations)) {
    return run(
      'Conv2DBackpropFilter',
      { x, dy },
      {
        strides: g.strides,
        pad: g.pad,
        dataFormat: 'NHWC',
        dilations: g.dilations,
        dimRoundingMode: g.dimRoundingMode,
        filterShape,
      },
    );
  }
  return conv2dFilterGradComposed(x, dy, filterShape, g);
}

/** Input gradient of depthwiseConv2d, `[N, H, W, C]`. */
export function depthwiseInputGrad(
  dy: Tensor4D,
  filter: Tensor4D,
  xShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  if (useStock('DepthwiseConv2dNativeBackpropInput', g.dilations)) {
    return run(
      'DepthwiseConv2dNativeBackpropInput',
      { dy, filter },
      {
        strides: g.strides,
        pad: g.pad,
        dilations: 1,
        dimRoundingMode: g.dimRoundingMode,
        inputShape: xShape,
      },
    );
  }
  return depthwiseInputGradComposed(dy, filter, xShape, g);
}

/** Filter gradient of depthwiseConv2d, `[kh, kw, C, m]`. */
export function depthwiseFilterGrad(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: readonly number[],
  g: ConvGeometry,
): Tensor4D {
  if (useStock('DepthwiseConv2dNativeBackpropFilter', g.dilations)) {
    return run(
      'DepthwiseConv2dNativeBackpropFilter',
      { x, dy },
      { strides: g.strides, pad: g.pad, dilations: 1, dimRoundingMode: g.dimRoundingMode, filterShape },
    );
  }
  return depthwiseFilterGradComposed(x, dy, filterShape, g);
}

function geometry(attrs: ConvAttrs): ConvGeometry {
  return {
    strides: attrs.strides,
    pad: attrs.pad,
    dilations: attrs.dilations ?? 1,
    ...(attrs.dimRoundingMode !== undefined ? { dimRoundingMode: attrs.dimRoundingMode } : {}),
  };
}

/** Attributes of the MaxPool and AvgPool kernels. */
interface PoolAttrs {
  filterSize: Pair;
  strides: Pair;
  pad: ConvPadding;
  dimRoundingMode?: RoundingMode;
}

function poolGeometry(attrs: PoolAttrs): PoolGeometry {
  return {
    filterSize: attrs.filterSize,
    strides: attrs.strides,
    pad: attrs.pad,
    ...(attrs.dimRoundingMode !== undefined ? { dimRoundingMode: attrs.dimRoundingMode } : {}),
  };
}

/** Input and filter gradients of one forward convolution kernel (conv2d or depthwise). */
type ConvGradPair = {
  input: (dy: Tensor4D, filter: Tensor4D, xShape: readonly number[], g: ConvGeometry) => Tensor4D;
  filter: (x: Tensor4D, dy: Tensor4D, filterShape: readonly number[], g: ConvGeometry) => Tensor4D;
};

/** Registers the gradient of a forward convolution kernel with inputs `x` and `filter` (NHWC). */
function registerConvGradient(kernelName: string, opName: string, grads: ConvGradPair): void {
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [Tensor4D, Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      requireNhwc(opName, a.dataFormat);
      const g = geometry(a);
      const d = dy as Tensor4D;
      return {
        x: () => grads.input(d, filter, x.shape, g),
        filter: () => grads.filter(x, d, filter.shape, g),
      };
    },
  });
}

/**
 * The gradient of a sum (or mean) of `shape` over `axes`: `dy` (kept or dropped axes alike)
 * copied to every position it summed, divided by the count for a mean.
 */
function spreadOverAxes(dy: Tensor, shape: number[], axes: number[], mean: boolean): Tensor {
  return tf.tidy(() => {
    const [reduced] = tf.backend_util.computeOutAndReduceShapes(shape, axes);
    const kept = tf.reshape(dy, tf.backend_util.expandShapeToKeepDim(reduced, axes));
    const count = axes.reduce((n, a) => n * shape[a]!, 1);
    const scaled = mean ? tf.div(kept, count) : kept;
    return tf.mul(scaled, tf.fill(shape, 1, 'float32'));
  });
}

/**
 * Registers the gradients above (again, if another registration replaced one). Called by
 * `initBackend`.
 */
export function registerGradients(): void {
  registerConvGradient('Conv2D', 'conv2d', { input: conv2dInputGrad, filter: conv2dFilterGrad });

  tf.registerGradient({
    kernelName: 'Conv2DBackpropInput',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved as [Tensor4D, Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      requireNhwc('conv2dTranspose', a.dataFormat);
      const g = geometry({ ...a, dilations: 1 });
      const d = ddx as Tensor4D;
      return {
        dy: () =>
          tf.conv2d(d, filter, a.strides as [number, number], a.pad as 'same', 'NHWC', 1, a.dimRoundingMode),
        filter: () => conv2dFilterGrad(d, dy, filter.shape, g),
      };
    },
  });

  registerConvGradient('DepthwiseConv2dNative', 'depthwiseConv2d', {
    input: depthwiseInputGrad,
    filter: depthwiseFilterGrad,
  });

  tf.registerGradient({
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [Tensor4D, Tensor4D];
      const a = attrs as unknown as PoolAttrs;
      const d = dy as Tensor4D;
      return {
        x: () => {
          if (useStock('MaxPoolGrad')) {
            return run(
              'MaxPoolGrad',
              { dy: d, input: x, output: y },
              {
                filterSize: a.filterSize,
                strides: a.strides,
                pad: a.pad,
                dimRoundingMode: a.dimRoundingMode,
              },
            );
          }
          return maxPoolGradComposed(d, x, y, poolGeometry(a));
        },
      };
    },
  });

  tf.registerGradient({
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [Tensor4D];
      const a = attrs as unknown as PoolAttrs;
      const d = dy as Tensor4D;
      const g = poolGeometry(a);
      return {
        x: () => {
          const p = poolInfo(x.shape, g).padInfo;
          const padded = p.top + p.bottom + p.left + p.right > 0;
          if (!padded && mode === 'auto' && tf.getKernel('AvgPoolGrad', tf.getBackend()) !== undefined) {
            return run(
              'AvgPoolGrad',
              { dy: d, input: x },
              { filterSize: a.filterSize, strides: a.strides, pad: a.pad },
            );
          }
          return avgPoolGradComposed(d, x.shape, g);
        },
      };
    },
  });

  tf.registerGradient({
    kernelName: 'Relu',
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as [Tensor];
      const d = dy as Tensor;
      return {
        x: () =>
          d.dtype === 'float32' && tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined
            ? (tf.engine().runKernel(RELU_GRAD, { dy: d, y }) as Tensor)
            : tf.mul(d, tf.step(y)),
      };
    },
  });

  for (const kernelName of ['Sum', 'Mean'] as const) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved as [Tensor];
        const axes = tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);
        return { x: () => spreadOverAxes(dy as Tensor, x.shape, axes, kernelName === 'Mean') };
      },
    });
  }

  tf.registerGradient({
    kernelName: 'StridedSlice',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [Tensor];
      return { x: () => stridedSliceGrad(dy as Tensor, x.shape, attrs as unknown as StridedSliceAttrs) };
    },
  });
}
