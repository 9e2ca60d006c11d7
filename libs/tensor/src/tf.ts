/**
 * The single import point of TensorFlow.js for the whole repository. Model code imports
 * `tf` from here (never from '@tensorflow/*' directly) and uses functional ops
 * (`tf.sum(x)`, not `x.sum()`): chained methods are not registered under ESM.
 */
import * as tf from '@tensorflow/tfjs-core';
// Side-effect imports: the cpu and wasm backends register themselves; tfjs-layers
// registers tfjs-core's stock gradients (tfjs-core alone registers none under Node).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';

export { tf };
export type Tensor = tf.Tensor;
export type Tensor4D = tf.Tensor4D;
export type Variable = tf.Variable;
