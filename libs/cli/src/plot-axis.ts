/**
 * Plot axes: a range over the data rounded out to "nice" tick steps (1, 2 or 5 times a
 * power of ten), integer ticks for integer data such as epochs, and tick labels.
 */

/** An axis: its range and the tick values inside it (both ends included). */
export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  /** Distance between ticks. */
  step: number;
}

/** What an axis must show beyond the data. */
export interface AxisOptions {
  /** Values the range must include, e.g. [0, 1] for Dice or [0] for a loss. */
  include?: readonly number[];
  /** Integer ticks only (epochs, steps). */
  integer?: boolean;
  /** Most ticks wanted [6]. */
  maxTicks?: number;
}

/** 1, 2 or 5 times a power of ten, the smallest such at least `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** Rounds away binary noise (0.30000000000000004 -> 0.3). */
const clean = (v: number): number => Number(v.toPrecision(12));

/**
 * The axis over the finite `values` (and `include`): its ends rounded out to multiples of
 * the tick step, at most `maxTicks` ticks. A single value gets a range around it; no
 * values give 0..1.
 */
export function axisFor(values: readonly number[], opts: AxisOptions = {}): Axis {
  const v = [...values, ...(opts.include ?? [])].filter(Number.isFinite);
  let lo = v.length ? Math.min(...v) : 0;
  let hi = v.length ? Math.max(...v) : 1;
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const half = opts.integer ? 1 : Math.abs(lo) > 0 ? Math.abs(lo) / 2 : 0.5;
    lo -= half;
    hi += half;
  }
  const maxTicks = Math.max(2, opts.maxTicks ?? 6);
  let step = niceStep((hi - lo) / (maxTicks - 1));
  if (opts.integer) step = Math.max(1, Math.round(step));
  lo = clean(Math.floor(lo / step + 1e-9) * step);
  hi = clean(Math.ceil(hi / step - 1e-9) * step);
  const n = Math.round((hi - lo) / step);
  const ticks = Array.from({ length: n + 1 }, (_, i) => clean(lo + i * step));
  return { lo, hi, ticks, step };
}

/** A tick label with as many decimals as the step needs (exponent form for steps under 0.001). */
export function tickLabel(value: number, step: number): string {
  if (value === 0) return '0';
  if (step < 1e-3) return value.toExponential(1);
  return value.toFixed(Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
}
