/** Parameter-free normal ops: `identity` (x) and `none` (zeros, search only). Shape preserving. */
import { tf, type Tensor4D } from '../../../tensor/src/index.js';
import { registerOp } from '../registry.js';

registerOp('identity', () => ({ apply: (x: Tensor4D) => tf.clone(x) }));
registerOp('none', () => ({ apply: (x: Tensor4D) => tf.zerosLike(x) }));
