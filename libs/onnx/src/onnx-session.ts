/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider) running an exported model:
 * NHWC slices in, NHWC class probabilities out (the contract of export.ts).
 */
import * as ort from 'onnxruntime-node';
import { ShapeError } from '../../core/src/errors.js';
import { ONNX_INPUT, ONNX_OUTPUT } from './graph-builder.js';

/** Options of {@link OnnxSession.create}. */
export interface OnnxSessionOptions {
  /** Threads of one operator (ONNX Runtime's intra-op pool); 0 = one per core [0]. */
  threads?: number;
}

export class OnnxSession {
  private constructor(private readonly session: ort.InferenceSession) {}

  /** Loads ONNX bytes into a CPU session with every graph optimisation enabled. */
  static async create(model: Uint8Array, opts: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: opts.threads ?? 0,
      interOpNumThreads: 1,
    });
    return new OnnxSession(session);
  }

  /** Class probabilities `[n, h, w, K]` (flat) of the NHWC batch `x` of shape `[n, h, w, c]`. */
  async probabilities(
    x: Float32Array,
    shape: readonly [number, number, number, number],
  ): Promise<Float32Array> {
    if (x.length !== shape[0] * shape[1] * shape[2] * shape[3]) {
      throw new ShapeError(`ONNX input: ${x.length} values for shape [${shape.join(', ')}]`);
    }
    const input = new ort.Tensor('float32', x, [...shape]);
    const out = await this.session.run({ [ONNX_INPUT]: input });
    const probs = out[ONNX_OUTPUT];
    if (probs === undefined) throw new ShapeError(`ONNX model has no output '${ONNX_OUTPUT}'`);
    const data = probs.data as Float32Array;
    input.dispose();
    return data;
  }

  /** Releases the session's native memory. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}
