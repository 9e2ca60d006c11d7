/** ONNX export of model bundles and inference through ONNX Runtime on CPU. */
export { exportOnnx, canExportOnnx, ONNX_FILE, ONNX_OPSET, ONNX_ARCHITECTURES } from './export.js';
export { ONNX_INPUT, ONNX_OUTPUT } from './graph-builder.js';
export { OnnxSession, type OnnxSessionOptions } from './onnx-session.js';
export {
  RUNTIME_CHOICES,
  parseRuntimeChoice,
  resolveRuntime,
  createServingModel,
  type RuntimeChoice,
  type ServingModel,
  type ServingSource,
} from './runtime.js';
