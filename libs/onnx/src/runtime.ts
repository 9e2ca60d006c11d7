/**
 * The inference runtime switch: `tfjs` runs the network on the engine's TensorFlow.js
 * backend, `onnx` exports the bundle and runs it in ONNX Runtime on CPU, and `auto` picks
 * ONNX Runtime where it was measured faster (BENCHMARKS.md, "ONNX Runtime inference"):
 * on the CPU backends `wasm` and `cpu`, for every exportable architecture; otherwise
 * (a GPU backend, native `tensorflow`, the search supernet) tfjs.
 */
import { PreconditionError, ValidationError } from '../../core/src/errors.js';
import type { InferenceRuntime, ProbabilityModel } from '../../engine/src/forward.js';
import { tfjsModel } from '../../engine/src/forward.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { canExportOnnx } from './export.js';
import { OnnxSession } from './onnx-session.js';
import { RUNTIME_CHOICES, type RuntimeChoice } from './runtime-choice.js';

export { RUNTIME_CHOICES, type RuntimeChoice };

/** tfjs backends on which `auto` picks ONNX Runtime. */
const ONNX_FASTER_ON = ['wasm', 'cpu'];

/** Parses a runtime choice; `ValidationError` naming `field` and the valid values. */
export function parseRuntimeChoice(value: unknown, field: string): RuntimeChoice {
  if (!(RUNTIME_CHOICES as readonly unknown[]).includes(value)) {
    throw new ValidationError(
      `${field}: '${String(value)}' is not a runtime; valid: ${RUNTIME_CHOICES.join(', ')}`,
    );
  }
  return value as RuntimeChoice;
}

/**
 * The runtime a model of architecture `key` runs on under `choice`, with the tfjs
 * backend `backend` active. `onnx` for an architecture without an ONNX export throws
 * `PreconditionError`.
 */
export function resolveRuntime(choice: RuntimeChoice, backend: string, key: string): InferenceRuntime {
  if (choice === 'tfjs') return 'tfjs';
  if (choice === 'onnx') {
    if (!canExportOnnx(key)) {
      throw new PreconditionError(`architecture '${key}' has no ONNX export; use the tfjs runtime`);
    }
    return 'onnx';
  }
  return canExportOnnx(key) && ONNX_FASTER_ON.includes(backend) ? 'onnx' : 'tfjs';
}

/** A {@link ProbabilityModel} that owns native resources. */
export interface ServingModel extends ProbabilityModel {
  dispose(): Promise<void>;
}

/** What {@link createServingModel} builds from. */
export interface ServingSource {
  /** The loaded tfjs network (used by the tfjs runtime; never disposed here). */
  net: SegmentationNet;
  /** The ONNX export of the same bundle, asked for only when ONNX Runtime runs it. */
  onnx: () => Uint8Array;
}

/** The model of `runtime` over `source`; `threads` = ONNX Runtime's intra-op threads (0 = all cores). */
export async function createServingModel(
  runtime: InferenceRuntime,
  source: ServingSource,
  threads = 0,
): Promise<ServingModel> {
  if (runtime === 'tfjs') return { ...tfjsModel(source.net), dispose: async () => undefined };
  const session = await OnnxSession.create(source.onnx(), { threads });
  return {
    runtime: 'onnx',
    probabilities: (x, shape) => session.probabilities(x, shape),
    dispose: () => session.dispose(),
  };
}
