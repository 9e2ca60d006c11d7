/**
 * Evaluation of a trained network on a set of cases: predicts every slice, stacks the
 * slices of each case back into a volume (ordered by slice index) and computes per-case,
 * per-class metrics (3D for volumes), then builds the report.
 */
import type { SegmentationNet } from '../../nas/src/contracts.js';
import { caseMetrics, type CaseMetrics } from './metrics.js';
import { predictClassMaps } from './predict.js';
import { buildReport, type EvaluationReport } from './report.js';
import { validateSliceSet, type SliceSet } from './slices.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Slices per forward pass (default 4). */
  batchSize?: number;
  /** Compute HD95 (default true). */
  hd95?: boolean;
}

/** Evaluates `net` on `set`; see module doc. */
export function evaluate(net: SegmentationNet, set: SliceSet, opts: EvaluateOptions = {}): EvaluationReport {
  validateSliceSet(set, 'evaluation set');
  const preds = predictClassMaps(net, set, opts.batchSize ?? 4);
  const hw = set.height * set.width;
  const byCase = new Map<string, number[]>();
  set.slices.forEach((s, i) => {
    const list = byCase.get(s.caseId) ?? [];
    list.push(i);
    byCase.set(s.caseId, list);
  });
  const cases: CaseMetrics[] = [];
  for (const [caseId, idx] of byCase) {
    idx.sort((a, b) => (set.slices[a]?.index ?? 0) - (set.slices[b]?.index ?? 0));
    const d = idx.length;
    const pv = new Uint8Array(d * hw);
    const tv = new Uint8Array(d * hw);
    idx.forEach((i, z) => {
      pv.set(preds[i] as Uint8Array, z * hw);
      tv.set((set.slices[i] as { label: Uint8Array }).label, z * hw);
    });
    const shape: [number, number, number] = [d, set.height, set.width];
    cases.push(
      caseMetrics(caseId, { data: pv, shape }, { data: tv, shape }, {
        nClasses: set.nClasses,
        spacing: set.spacing?.[caseId] ?? [1, 1, 1],
        hd95: opts.hd95 !== false,
      }),
    );
  }
  return buildReport(cases, set.classNames);
}
