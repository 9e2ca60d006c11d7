export { tf, type Tensor, type Tensor4D, type Variable } from './tf.js';
export * from './ops.js';
export * from './backend.js';
export * from './seeded-random.js';
export { registerWasmKernels, restoreWasmStockKernels } from './wasm-kernels.js';
export { groupNorm } from './norm.js';
export { weightedSum } from './weighted-sum.js';
export { registerGroupNormKernels, unregisterGroupNormKernels } from './group-norm-kernels.js';
export {
  registerBlasKernels,
  unregisterBlasKernels,
  blasKernelsRegistered,
  gemmKernel,
  type GemmKernel,
} from './blas-kernels.js';
