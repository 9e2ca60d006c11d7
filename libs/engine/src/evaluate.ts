/**
 * Evaluation of a trained network on a set of cases: predicts every slice (with test-time
 * mirroring when asked), crops it to its unpadded region, stacks the slices of each case
 * back into a volume (ordered by slice index), postprocesses it when asked and computes
 * per-case, per-class metrics (3D for volumes), then builds the report.
 */
import { DataFormatError, ValidationError } from '../../core/src/errors.js';
import type { Case, ClassInfo } from '../../data/src/index.js';
import type { SegmentationNet } from '../../nas/src/contracts.js';
import type { InferenceSettings, MirrorAxis, Postprocessing } from '../../nas/src/model-bundle.js';
import { caseMetrics, type CaseMetrics } from './metrics.js';
import { mirroredSteps } from './mirror.js';
import { postprocessMask } from './postprocess.js';
import { classMapSteps } from './predict.js';
import type { WindowOptions } from './sliding-window.js';
import { buildReport, type EvaluationReport } from './report.js';
import {
  runForwardSteps,
  runForwardStepsAsync,
  type ForwardSteps,
  type ProbabilityModel,
} from './forward.js';
import { segmentVolumeSteps, type InferenceSpec } from './segment-volume.js';
import { validateSliceSet, type SliceSet } from './slices.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Slices per forward pass (default 4). */
  batchSize?: number;
  /** Compute HD95 (default true). */
  hd95?: boolean;
  /**
   * Test-time mirroring and postprocessing, as a model bundle records them and every
   * segmentation path applies them (default: neither). {@link evaluateCases} takes them
   * from its `InferenceSpec` instead.
   */
  inference?: InferenceSettings;
}

/** One case of a slice set stacked back into a volume: predicted and true class per voxel. */
export interface StackedCase {
  caseId: string;
  pred: Uint8Array;
  truth: Uint8Array;
  /** `[slices, rows, columns]` of the case's unpadded region (columns fastest). */
  shape: [number, number, number];
}

/**
 * The cases of `set` with their slices' class maps `preds` (one per slice, in set order)
 * stacked in slice-index order and cropped to each slice's unpadded region.
 */
export function stackCases(set: SliceSet, preds: readonly Uint8Array[]): StackedCase[] {
  const byCase = new Map<string, number[]>();
  set.slices.forEach((s, i) => {
    const list = byCase.get(s.caseId) ?? [];
    list.push(i);
    byCase.set(s.caseId, list);
  });
  const cases: StackedCase[] = [];
  for (const [caseId, idx] of byCase) {
    idx.sort((a, b) => (set.slices[a]?.index ?? 0) - (set.slices[b]?.index ?? 0));
    const first = set.slices[idx[0] as number];
    const reg = first?.region ?? { top: 0, left: 0, height: set.height, width: set.width };
    const rhw = reg.height * reg.width;
    const d = idx.length;
    const pv = new Uint8Array(d * rhw);
    const tv = new Uint8Array(d * rhw);
    idx.forEach((i, z) => {
      const p = preds[i] as Uint8Array;
      const t = (set.slices[i] as { label: Uint8Array }).label;
      for (let r = 0; r < reg.height; r++) {
        const src = (r + reg.top) * set.width + reg.left;
        pv.set(p.subarray(src, src + reg.width), z * rhw + r * reg.width);
        tv.set(t.subarray(src, src + reg.width), z * rhw + r * reg.width);
      }
    });
    cases.push({ caseId, pred: pv, truth: tv, shape: [d, reg.height, reg.width] });
  }
  return cases;
}

/**
 * The cases of `set` as `net` segments them, slice by slice with test-time mirroring along
 * `mirror` (none: the plain forward pass), stacked as {@link stackCases} does.
 */
export function predictStackedCases(
  net: SegmentationNet,
  set: SliceSet,
  batchSize: number,
  mirror: readonly MirrorAxis[],
  window?: Omit<WindowOptions, 'batchSize'>,
): StackedCase[] {
  return stackCases(set, runForwardSteps(mirroredSteps(classMapSteps(set, batchSize, window), mirror), net));
}

/** A stacked case's predicted classes after the postprocessing `mode`. */
export function postprocessStackedCase(c: StackedCase, mode: Postprocessing): Uint8Array {
  const [d, h, w] = c.shape;
  return postprocessMask(c.pred, [w, h, d], mode);
}

/** Evaluates `net` on `set`; see module doc. */
export function evaluate(net: SegmentationNet, set: SliceSet, opts: EvaluateOptions = {}): EvaluationReport {
  validateSliceSet(set, 'evaluation set');
  const { mirror, postprocessing } = opts.inference ?? { mirror: [], postprocessing: 'none' };
  const cases = predictStackedCases(net, set, opts.batchSize ?? 4, mirror).map((c) =>
    caseMetrics(
      c.caseId,
      { data: postprocessStackedCase(c, postprocessing), shape: c.shape },
      { data: c.truth, shape: c.shape },
      {
        nClasses: set.nClasses,
        spacing: set.spacing?.[c.caseId] ?? [1, 1, 1],
        hd95: opts.hd95 !== false,
      },
    ),
  );
  return buildReport(cases, set.classNames);
}

/**
 * Evaluates `net` on whole labelled cases through {@link segmentVolumeSteps}, the same
 * path `segment` and the inference service take, so every reported figure is that of the
 * mask a user would be served. Label codes map to class indices through `classes`.
 */
export function evaluateCases(
  net: SegmentationNet,
  cases: readonly Case[],
  pre: InferenceSpec,
  classes: readonly ClassInfo[],
  opts: EvaluateOptions = {},
): EvaluationReport {
  return runForwardSteps(evaluateCasesSteps(cases, pre, classes, opts), net);
}

/** {@link evaluateCases} with the forward passes of any runtime (tfjs or ONNX Runtime). */
export function evaluateCasesAsync(
  model: ProbabilityModel,
  cases: readonly Case[],
  pre: InferenceSpec,
  classes: readonly ClassInfo[],
  opts: EvaluateOptions = {},
): Promise<EvaluationReport> {
  return runForwardStepsAsync(evaluateCasesSteps(cases, pre, classes, opts), model);
}

function* evaluateCasesSteps(
  cases: readonly Case[],
  pre: InferenceSpec,
  classes: readonly ClassInfo[],
  opts: EvaluateOptions,
): ForwardSteps<EvaluationReport> {
  const codeToIndex = new Map(classes.map((c, i) => [c.code, i]));
  const out: CaseMetrics[] = [];
  for (const c of cases) {
    if (!c.label) throw new ValidationError(`case ${c.id} has no label; evaluation needs labels`);
    const [X, Y, Z] = c.image.shape;
    const pred = yield* segmentVolumeSteps(c.image, pre, { batchSize: opts.batchSize ?? 4 });
    const truth = new Uint8Array(pred.length);
    c.label.data.forEach((v, i) => {
      const k = codeToIndex.get(v);
      if (k === undefined) {
        throw new DataFormatError(`case ${c.id}: label value ${v} is not a class code of the model`);
      }
      truth[i] = k;
    });
    const [sx, sy, sz] = c.image.spacingMm;
    out.push(
      caseMetrics(
        c.id,
        { data: pred, shape: [Z, Y, X] },
        { data: truth, shape: [Z, Y, X] },
        { nClasses: pre.nClasses, spacing: [sz, sy, sx], hd95: opts.hd95 !== false },
      ),
    );
  }
  return buildReport(
    out,
    classes.map((c) => c.name),
  );
}
