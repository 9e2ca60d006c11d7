/**
 * Chooses how a trained network segments beyond its forward pass, on its validation cases
 * (nnU-Net decides postprocessing the same way): test-time mirroring along the axes the
 * training mirrored, kept when it raises the validation Dice, and the postprocessing of
 * `POSTPROCESSING` that raises it most, if any does. Both are recorded in the model bundle
 * and applied by every segmentation path (segment-volume.ts).
 */
import type { SegmentationNet } from '../../nas/src/contracts.js';
import type { InferenceSettings, MirrorAxis, Postprocessing } from '../../nas/src/model-bundle.js';
import { POSTPROCESSING } from '../../nas/src/model-bundle.js';
import { postprocessStackedCase, predictStackedCases, stackCases, type StackedCase } from './evaluate.js';
import { runForwardSteps } from './forward.js';
import { caseMetrics } from './metrics.js';
import { plainAndMirroredSteps } from './mirror.js';
import { classMapSteps } from './predict.js';
import type { WindowOptions } from './sliding-window.js';
import type { SliceSet } from './slices.js';

/** Options of {@link planInference}. */
export interface InferencePlanOptions {
  /** Axes the training mirrored its images along (the only ones worth mirroring at inference). */
  trainedMirrorAxes: readonly MirrorAxis[];
  /** Settings given by the user; these are kept, not measured. */
  override?: Partial<InferenceSettings>;
  /** Slices per forward pass [4]. */
  batchSize?: number;
  /** Sliding window of a network trained on patches smaller than the slices. */
  window?: Omit<WindowOptions, 'batchSize'>;
}

/** The settings chosen, one reason per choice (as the training plan prints them). */
export interface InferencePlan {
  settings: InferenceSettings;
  choices: Array<{ name: string; value: unknown; reason: string }>;
}

/** Mean over cases of the mean foreground Dice of each case after `mode`. */
function meanDice(cases: readonly StackedCase[], nClasses: number, mode: Postprocessing): number {
  let sum = 0;
  for (const c of cases) {
    const pred = postprocessStackedCase(c, mode);
    sum += caseMetrics(
      c.caseId,
      { data: pred, shape: c.shape },
      { data: c.truth, shape: c.shape },
      {
        nClasses,
        hd95: false,
      },
    ).meanDice;
  }
  return cases.length > 0 ? sum / cases.length : 0;
}

const fmt = (x: number): string => x.toFixed(4);

/** Chooses the inference settings of `net` on the validation set `val`; see the module doc. */
export function planInference(
  net: SegmentationNet,
  val: SliceSet,
  opts: InferencePlanOptions,
): InferencePlan {
  const batch = opts.batchSize ?? 4;
  const n = new Set(val.slices.map((s) => s.caseId)).size;
  const on = `${n} validation case(s), mean foreground Dice per case`;
  const choices: InferencePlan['choices'] = [];

  let mirror: MirrorAxis[];
  // The validation predictions with the chosen mirroring, made when a choice needs them.
  let cases: StackedCase[] | null = null;
  if (opts.override?.mirror !== undefined) {
    mirror = [...opts.override.mirror];
    choices.push({ name: 'mirror', value: mirror, reason: 'given' });
  } else if (opts.trainedMirrorAxes.length === 0) {
    mirror = [];
    choices.push({ name: 'mirror', value: mirror, reason: 'the training did not mirror its images' });
  } else {
    const axes = [...opts.trainedMirrorAxes];
    const maps = () => classMapSteps(val, batch, opts.window);
    const both = runForwardSteps(plainAndMirroredSteps(maps(), maps(), axes), net);
    const plain = stackCases(val, both.plain);
    const mirrored = stackCases(val, both.mirrored);
    const a = meanDice(plain, val.nClasses, 'none');
    const b = meanDice(mirrored, val.nClasses, 'none');
    const keep = b > a;
    mirror = keep ? axes : [];
    cases = keep ? mirrored : plain;
    choices.push({
      name: 'mirror',
      value: mirror,
      reason: `${on}: ${fmt(b)} mirrored along ${axes.join(' and ')} vs ${fmt(a)} without (${keep ? 'better: kept' : 'not better: left out, it would double the passes'})`,
    });
  }

  let postprocessing: Postprocessing;
  if (opts.override?.postprocessing !== undefined) {
    postprocessing = opts.override.postprocessing;
    choices.push({ name: 'postprocessing', value: postprocessing, reason: 'given' });
  } else {
    const chosen = cases ?? predictStackedCases(net, val, batch, mirror, opts.window);
    const scores = POSTPROCESSING.map((mode) => ({ mode, dice: meanDice(chosen, val.nClasses, mode) }));
    const none = scores[0]?.dice ?? 0;
    const best = scores.reduce((x, y) => (y.dice > x.dice ? y : x));
    postprocessing = best.dice > none ? best.mode : 'none';
    choices.push({
      name: 'postprocessing',
      value: postprocessing,
      reason: `${on}: ${scores.map((s) => `${s.mode} ${fmt(s.dice)}`).join(', ')} (${postprocessing === 'none' ? 'nothing improves on none' : 'the best'})`,
    });
  }
  return { settings: { mirror, postprocessing }, choices };
}
