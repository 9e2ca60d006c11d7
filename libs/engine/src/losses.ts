/**
 * Segmentation losses. Logits are `[N, H, W, K]` (NHWC, K classes, float32); labels are
 * integer class maps `[N, H, W]` (int32, values in [0, K)). Every function returns a
 * scalar tensor, is differentiable with respect to the logits and disposes its
 * intermediates.
 */
import { tf, type Tensor } from '../../tensor/src/index.js';
import { ShapeError } from '../../core/src/errors.js';

function checkShapes(logits: Tensor, labels: Tensor): number {
  if (logits.rank !== 4 || labels.rank !== 3) {
    throw new ShapeError(
      `loss: expected logits [N,H,W,K] and labels [N,H,W], got [${logits.shape}] and [${labels.shape}]`,
    );
  }
  for (let i = 0; i < 3; i++) {
    if (logits.shape[i] !== labels.shape[i]) {
      throw new ShapeError(`loss: logits [${logits.shape}] and labels [${labels.shape}] differ in N, H or W`);
    }
  }
  return logits.shape[3] as number;
}

/** Mean over the pixels of `-log p(label)`, from the log-softmax and the one-hot labels. */
function crossEntropyOf(logp: Tensor, oneHot: Tensor): Tensor {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logp), -1)));
}

/** `1 - mean_k Dice_k` over the foreground classes, from the softmax and the one-hot labels. */
function softDiceOf(p: Tensor, oneHot: Tensor, k: number, eps: number): Tensor {
  if (k < 2) return tf.scalar(0);
  const pf = tf.slice(p, [0, 0, 0, 1], [-1, -1, -1, k - 1]);
  const yf = tf.slice(oneHot, [0, 0, 0, 1], [-1, -1, -1, k - 1]);
  const inter = tf.sum(tf.mul(pf, yf), [0, 1, 2]);
  const denom = tf.add(tf.sum(pf, [0, 1, 2]), tf.sum(yf, [0, 1, 2]));
  const dice = tf.div(tf.add(tf.mul(inter, 2), eps), tf.add(denom, eps));
  return tf.sub(1, tf.mean(dice));
}

const oneHotOf = (labels: Tensor, k: number): Tensor => tf.oneHot(tf.cast(labels, 'int32'), k);

/**
 * Mean pixel-wise cross-entropy of a softmax over the K classes (natural log).
 */
export function crossEntropyLoss(logits: Tensor, labels: Tensor): Tensor {
  const k = checkShapes(logits, labels);
  return tf.tidy(() => crossEntropyOf(tf.logSoftmax(logits, -1), oneHotOf(labels, k)));
}

/**
 * Soft Dice loss over the foreground classes 1..K-1: `1 - mean_k (2 sum(p_k y_k) + eps) /
 * (sum(p_k) + sum(y_k) + eps)` with sums over the whole batch, p = softmax(logits).
 * `eps` (default 1) keeps a class that is absent from both prediction and truth at Dice 1.
 * With K = 1 there is no foreground and the loss is 0.
 */
export function softDiceLoss(logits: Tensor, labels: Tensor, eps = 1): Tensor {
  const k = checkShapes(logits, labels);
  return tf.tidy(() => softDiceOf(tf.softmax(logits, -1), oneHotOf(labels, k), k, eps));
}

/** Options of {@link segmentationLoss}. */
export interface SegLossOptions {
  /** Weight of the soft Dice term (default 1); cross-entropy always has weight 1. */
  diceWeight?: number;
}

/**
 * Cross-entropy + `diceWeight` x soft Dice (spec sections 4 and 5). Both terms read one
 * log-softmax (the Dice term's softmax is its exp) and one set of one-hot labels.
 */
export function segmentationLoss(logits: Tensor, labels: Tensor, opts: SegLossOptions = {}): Tensor {
  const k = checkShapes(logits, labels);
  const w = opts.diceWeight ?? 1;
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits, -1);
    const oneHot = oneHotOf(labels, k);
    const ce = crossEntropyOf(logp, oneHot);
    if (w === 0) return ce;
    return tf.add(ce, tf.mul(softDiceOf(tf.exp(logp), oneHot, k, 1), w));
  });
}
