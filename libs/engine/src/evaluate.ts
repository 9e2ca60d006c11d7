/**
 * Evaluation of a trained network on a set of cases: predicts every slice, crops it to its
 * unpadded region, stacks the slices of each case back into a volume (ordered by slice
 * index) and computes per-case,
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
  const byCase = new Map<string, number[]>();
  set.slices.forEach((s, i) => {
    const list = byCase.get(s.caseId) ?? [];
    list.push(i);
    byCase.set(s.caseId, list);
  });
  const cases: CaseMetrics[] = [];
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
    const shape: [number, number, number] = [d, reg.height, reg.width];
    cases.push(
      caseMetrics(
        caseId,
        { data: pv, shape },
        { data: tv, shape },
        {
          nClasses: set.nClasses,
          spacing: set.spacing?.[caseId] ?? [1, 1, 1],
          hd95: opts.hd95 !== false,
        },
      ),
    );
  }
  return buildReport(cases, set.classNames);
}
