/**
 * Inference helpers on a {@link SegmentationNet}: batched validation loss and Dice, and
 * class-map prediction for slices.
 */
import { tf, type Tensor4D } from '../../tensor/src/index.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { segmentationLoss, type SegLossOptions } from './losses.js';
import { diceIou } from './metrics.js';
import { argmaxClasses, runForwardSteps, type ForwardSteps } from './forward.js';
import { slidingWindowClassMapSteps, type WindowOptions } from './sliding-window.js';
import { makeBatch, subset, type SliceSet } from './slices.js';

/** Validation figures over a whole set. */
export interface ValidationResult {
  /** Mean loss per slice (CE + weighted soft Dice, batch-wise). */
  loss: number;
  /** Mean over foreground classes of the hard Dice pooled over all slices (empty-empty = 1). */
  dice: number;
}

/**
 * Computes loss and pooled hard Dice of `net` on `set` without gradients or augmentation.
 * With a `window` smaller than the slices (a net trained on patches), the Dice is that of
 * the sliding-window prediction inference makes; the loss is taken on whole slices.
 */
export function validate(
  net: SegmentationNet,
  set: SliceSet,
  batchSize: number,
  loss: SegLossOptions = {},
  window?: Omit<WindowOptions, 'batchSize'>,
): ValidationResult {
  const windowed =
    window !== undefined && (window.window[0] !== set.height || window.window[1] !== set.width);
  const k = set.nClasses;
  const inter = new Float64Array(k);
  const pc = new Float64Array(k);
  const tc = new Float64Array(k);
  let lossSum = 0;
  for (let i = 0; i < set.slices.length; i += batchSize) {
    const items = set.slices.slice(i, i + batchSize);
    const { x, y } = makeBatch(set, items);
    // Windowed nets are scored on their sliding-window prediction, not this forward pass.
    const [l, pred] = tf.tidy(() => {
      const logits = net.apply(x as Tensor4D, false);
      return [segmentationLoss(logits, y, loss), windowed ? null : tf.argMax(logits, -1)] as const;
    });
    lossSum += (l.dataSync()[0] as number) * items.length;
    const p = pred
      ? pred.dataSync()
      : concatMaps(predictClassMaps(net, subset(set, items), batchSize, window));
    const t = y.dataSync();
    for (let j = 0; j < p.length; j++) {
      const a = p[j] as number;
      const b = t[j] as number;
      pc[a] = (pc[a] ?? 0) + 1;
      tc[b] = (tc[b] ?? 0) + 1;
      if (a === b) inter[a] = (inter[a] ?? 0) + 1;
    }
    tf.dispose([x, y, l, ...(pred ? [pred] : [])]);
  }
  let dice = 0;
  for (let c = 1; c < k; c++) dice += diceIou(inter[c] as number, pc[c] as number, tc[c] as number).dice;
  return { loss: lossSum / set.slices.length, dice: k > 1 ? dice / (k - 1) : 1 };
}

function concatMaps(maps: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(maps.reduce((n, m) => n + m.length, 0));
  let o = 0;
  for (const m of maps) {
    out.set(m, o);
    o += m.length;
  }
  return out;
}

/**
 * Class maps for the slices of `set` (batched by `batchSize`). With a `window` smaller
 * than the slices (a net trained on patches), each slice is covered by Gaussian-weighted
 * sliding windows of that size (sliding-window.ts); otherwise each slice is one input.
 * Returns one `H * W` Uint8Array per slice; yields its forward passes (see forward.ts).
 */
export function* classMapSteps(
  set: SliceSet,
  batchSize: number,
  window?: Omit<WindowOptions, 'batchSize'>,
): ForwardSteps<Uint8Array[]> {
  const { height: h, width: w, channels: c } = set;
  const out: Uint8Array[] = [];
  if (window && (window.window[0] !== h || window.window[1] !== w)) {
    for (const s of set.slices)
      out.push(yield* slidingWindowClassMapSteps(s.image, h, w, c, { ...window, batchSize }));
    return out;
  }
  const hwc = h * w * c;
  for (let i = 0; i < set.slices.length; i += batchSize) {
    const items = set.slices.slice(i, i + batchSize);
    const x = new Float32Array(items.length * hwc);
    items.forEach((it, b) => x.set(it.image, b * hwc));
    const p = yield { x, shape: [items.length, h, w, c] };
    const maps = argmaxClasses(p, p.length / (items.length * h * w));
    for (let b = 0; b < items.length; b++) out.push(maps.subarray(b * h * w, (b + 1) * h * w));
  }
  return out;
}

/** {@link classMapSteps} with `net`'s forward passes. */
export function predictClassMaps(
  net: SegmentationNet,
  set: SliceSet,
  batchSize: number,
  window?: Omit<WindowOptions, 'batchSize'>,
): Uint8Array[] {
  return runForwardSteps(classMapSteps(set, batchSize, window), net);
}
