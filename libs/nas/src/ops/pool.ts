/** Pooling ops of the down set: 2x2 window, stride 2, `[N, H, W, C] -> [N, ceil(H/2), ceil(W/2), C]`. No parameters. */
import { tf, type Tensor4D } from '../../../tensor/src/index.js';
import { registerOp } from '../registry.js';

registerOp('avg_pool', () => ({ apply: (x: Tensor4D) => tf.avgPool(x, 2, 2, 'same') }));
registerOp('max_pool', () => ({ apply: (x: Tensor4D) => tf.maxPool(x, 2, 2, 'same') }));
