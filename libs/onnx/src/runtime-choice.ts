/**
 * The values of the inference runtime switch (`NASUNET_INFERENCE_RUNTIME`, `--runtime`),
 * apart from runtime.ts so that configuration schemas can name them without loading
 * ONNX Runtime.
 */
export const RUNTIME_CHOICES = ['auto', 'onnx', 'tfjs'] as const;
export type RuntimeChoice = (typeof RUNTIME_CHOICES)[number];
