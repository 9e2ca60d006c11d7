/**
 * Evaluation report: per-case, per-class metrics plus per-class summaries, as a plain JSON
 * object and as a readable fixed-width text table.
 */
import type { CaseMetrics } from './metrics.js';

/** Mean and sample standard deviation of a metric over the cases where it is defined. */
export interface Summary {
  mean: number | null;
  sd: number | null;
  /** Number of cases that contributed (HD95 skips undefined cases). */
  n: number;
}

/** Summary of one foreground class. */
export interface ClassSummary {
  /** Class index (1..K-1). */
  classIndex: number;
  name: string;
  dice: Summary;
  iou: Summary;
  /** HD95 in mm. */
  hd95: Summary;
}

/** The evaluation report (JSON-serialisable). */
export interface EvaluationReport {
  version: 1;
  nCases: number;
  /** Class names, index 0 = background. */
  classNames: string[];
  /** Mean over foreground classes of the per-class mean Dice. */
  meanDice: number;
  /** Mean over foreground classes of the per-class mean IoU. */
  meanIou: number;
  /** Mean pixel accuracy over cases (side figure; dominated by background). */
  pixelAccuracy: number;
  perClass: ClassSummary[];
  perCase: CaseMetrics[];
}

/** Mean and sample sd (n-1) of the finite values; null when there are none. */
export function summarise(values: Array<number | null>): Summary {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return { mean: null, sd: null, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd, n: v.length };
}

/** Builds the report from per-case metrics. `classNames[0]` is the background. */
export function buildReport(cases: CaseMetrics[], classNames: string[]): EvaluationReport {
  const k = classNames.length;
  const perClass: ClassSummary[] = [];
  for (let c = 1; c < k; c++) {
    const ms = cases.map((cm) => cm.classes[c - 1]);
    perClass.push({
      classIndex: c,
      name: classNames[c] ?? `class${c}`,
      dice: summarise(ms.map((m) => m?.dice ?? null)),
      iou: summarise(ms.map((m) => m?.iou ?? null)),
      hd95: summarise(ms.map((m) => m?.hd95 ?? null)),
    });
  }
  const meanOf = (xs: Array<number | null>): number => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  };
  return {
    version: 1,
    nCases: cases.length,
    classNames,
    meanDice: meanOf(perClass.map((p) => p.dice.mean)),
    meanIou: meanOf(perClass.map((p) => p.iou.mean)),
    pixelAccuracy: meanOf(cases.map((c) => c.pixelAccuracy)),
    perClass,
    perCase: cases,
  };
}

const f = (x: number | null, digits = 4): string =>
  x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits);

/** Renders the report as a text table: one summary block per class, then one row per case. */
export function formatReport(r: EvaluationReport): string {
  const lines: string[] = [];
  lines.push(
    `Evaluation over ${r.nCases} case(s): mean Dice ${f(r.meanDice)}, mean IoU ${f(r.meanIou)}, pixel accuracy ${f(r.pixelAccuracy)}`,
  );
  lines.push('');
  lines.push(
    ['class'.padEnd(16), 'Dice mean', 'Dice sd', 'IoU mean', 'IoU sd', 'HD95 mm', 'HD95 sd'].join('  '),
  );
  for (const p of r.perClass) {
    lines.push(
      [
        p.name.padEnd(16),
        f(p.dice.mean).padStart(9),
        f(p.dice.sd).padStart(7),
        f(p.iou.mean).padStart(8),
        f(p.iou.sd).padStart(6),
        f(p.hd95.mean, 2).padStart(7),
        f(p.hd95.sd, 2).padStart(7),
      ].join('  '),
    );
  }
  lines.push('');
  const names = r.perClass.map((p) => p.name);
  lines.push(
    [
      'case'.padEnd(24),
      ...names.flatMap((n) => [`${n} Dice`.padStart(14), `${n} HD95`.padStart(14)]),
      'accuracy'.padStart(9),
    ].join(' '),
  );
  for (const c of r.perCase) {
    lines.push(
      [
        c.caseId.padEnd(24),
        ...c.classes.flatMap((m) => [f(m.dice).padStart(14), f(m.hd95, 2).padStart(14)]),
        f(c.pixelAccuracy).padStart(9),
      ].join(' '),
    );
  }
  return lines.join('\n') + '\n';
}
