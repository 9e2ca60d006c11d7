/**
 * Conversion of plain-array batches into tfjs tensors.
 */
import { tf } from '../../tensor/src/index.js';
import type { Batch } from './batching.js';

/**
 * Builds tensors from a batch: `x` float32 [B, H, W, 1] (NHWC) and `y` int32 [B, H, W]
 * class indices. The caller owns (and must dispose) both.
 */
export function batchToTensors(batch: Batch): { x: tf.Tensor4D; y: tf.Tensor3D } {
  const [B, H, W] = batch.shape;
  return { x: tf.tensor4d(batch.x, batch.shape, 'float32'), y: tf.tensor3d(batch.y, [B, H, W], 'int32') };
}
