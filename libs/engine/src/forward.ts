/**
 * The forward pass as the segmentation path sees it. Sliding windows, slice batching and
 * class maps are written once, as generators ({@link ForwardSteps}) that yield each batch
 * of NHWC images they need class probabilities for and receive those probabilities; a
 * driver supplies them, synchronously from a tfjs network ({@link runForwardSteps}) or
 * asynchronously from any {@link ProbabilityModel}, such as ONNX Runtime
 * ({@link runForwardStepsAsync}).
 */
import { tf, type Tensor4D } from '../../tensor/src/index.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';

/** A batch of NHWC images `[n, h, w, c]` (flat) that needs class probabilities. */
export interface ForwardRequest {
  x: Float32Array;
  shape: [number, number, number, number];
}

/** A computation that needs forward passes: yields requests, receives NHWC probabilities `[n, h, w, K]`. */
export type ForwardSteps<T, Y = ForwardRequest> = Generator<Y, T, Float32Array>;

/** Which runtime computes the forward passes. */
export type InferenceRuntime = 'tfjs' | 'onnx';

/** A network as the segmentation path uses it: class probabilities of a batch, awaited. */
export interface ProbabilityModel {
  readonly runtime: InferenceRuntime;
  probabilities(x: Float32Array, shape: ForwardRequest['shape']): Promise<Float32Array>;
}

/** Softmax probabilities of `net` on a request, through the active tfjs backend. */
export function tfjsProbabilities(net: SegmentationNet, req: ForwardRequest): Float32Array {
  const out = tf.tidy(() => tf.softmax(net.apply(tf.tensor4d(req.x, req.shape) as Tensor4D, false)));
  const p = out.dataSync() as Float32Array;
  out.dispose();
  return p;
}

/** A tfjs network as a {@link ProbabilityModel}. */
export function tfjsModel(net: SegmentationNet): ProbabilityModel {
  return { runtime: 'tfjs', probabilities: async (x, shape) => tfjsProbabilities(net, { x, shape }) };
}

/** Runs `steps` to the end with `net`'s forward passes. */
export function runForwardSteps<T>(steps: ForwardSteps<T>, net: SegmentationNet): T {
  let r = steps.next();
  while (!r.done) r = steps.next(tfjsProbabilities(net, r.value));
  return r.value;
}

/** Runs `steps` to the end with `model`'s forward passes. */
export async function runForwardStepsAsync<T>(steps: ForwardSteps<T>, model: ProbabilityModel): Promise<T> {
  let r = steps.next();
  while (!r.done) r = steps.next(await model.probabilities(r.value.x, r.value.shape));
  return r.value;
}

/** Class index per pixel of `[pixels, k]` probabilities (ties go to the lower class). */
export function argmaxClasses(probs: Float32Array, k: number): Uint8Array {
  const n = probs.length / k;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if ((probs[i * k + j] as number) > (probs[i * k + best] as number)) best = j;
    out[i] = best;
  }
  return out;
}
