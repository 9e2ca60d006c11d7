/**
 * Hard segmentation metrics on integer class maps (plain typed arrays, no tensors).
 *
 * Volumes are `[D, H, W]` in row-major order (D = slices; a 2D image is D = 1). Spacing is
 * given in millimetres per axis in the same order `[slice, row, column]`.
 *
 * Conventions (documented because they decide what a mean means):
 * - Dice and IoU are computed for the foreground classes 1..K-1 only; background (0) is
 *   never averaged in.
 * - When a class is absent from both the prediction and the truth of a case, its Dice and
 *   IoU are 1 (a perfect "nothing there" answer), and HD95 is 0.
 * - When a class is present in exactly one of them, Dice and IoU are 0 and HD95 is
 *   `null` (undefined distance); means over cases skip `null`.
 */
import { ShapeError, ValidationError } from '../../core/src/errors.js';

/** Class map of one case: labels in [0, K) laid out `[D, H, W]`. */
export interface LabelVolume {
  data: ArrayLike<number>;
  /** `[D, H, W]` */
  shape: [number, number, number];
}

/** Metrics of one foreground class in one case. */
export interface ClassMetrics {
  /** Hard Dice in [0, 1]. */
  dice: number;
  /** Intersection over union in [0, 1]. */
  iou: number;
  /** 95th-percentile symmetric surface distance in mm; `null` when undefined (see module doc). */
  hd95: number | null;
  /** Voxels of this class in the truth. */
  truthVoxels: number;
  /** Voxels of this class in the prediction. */
  predVoxels: number;
}

/** Metrics of one case. */
export interface CaseMetrics {
  caseId: string;
  /** Index c-1 holds class c (foreground classes 1..K-1). */
  classes: ClassMetrics[];
  /** Mean Dice over the foreground classes. */
  meanDice: number;
  /** Fraction of voxels with the right class, background included (side figure only). */
  pixelAccuracy: number;
}

/** Options of {@link caseMetrics}. */
export interface MetricOptions {
  /** Number of classes K (background included), >= 2. */
  nClasses: number;
  /** Voxel size in mm, `[slice, row, column]`; default `[1, 1, 1]`. */
  spacing?: [number, number, number];
  /** Compute HD95 (default true). */
  hd95?: boolean;
}

function checkPair(pred: LabelVolume, truth: LabelVolume): number {
  const n = truth.shape[0] * truth.shape[1] * truth.shape[2];
  if (pred.shape.some((s, i) => s !== truth.shape[i]) || pred.data.length !== n || truth.data.length !== n) {
    throw new ShapeError(
      `metrics: prediction [${pred.shape}] and truth [${truth.shape}] must have the same shape`,
    );
  }
  return n;
}

/** Hard Dice and IoU from counts, with the empty-empty convention (both 1). */
export function diceIou(inter: number, predCount: number, truthCount: number): { dice: number; iou: number } {
  if (predCount === 0 && truthCount === 0) return { dice: 1, iou: 1 };
  const union = predCount + truthCount - inter;
  return { dice: (2 * inter) / (predCount + truthCount), iou: inter / union };
}

/** Boundary voxels of `mask` (in mask, with a 6-neighbour outside the mask or the volume), as coordinates in mm. */
function surface(
  mask: Uint8Array,
  shape: [number, number, number],
  spacing: [number, number, number],
): Float64Array {
  const [d, h, w] = shape;
  const pts: number[] = [];
  const at = (z: number, y: number, x: number): number =>
    z < 0 || y < 0 || x < 0 || z >= d || y >= h || x >= w ? 0 : (mask[(z * h + y) * w + x] as number);
  for (let z = 0; z < d; z++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!mask[(z * h + y) * w + x]) continue;
        // In a single-slice volume the slice direction has no boundary.
        const zEdge = d > 1 && (!at(z - 1, y, x) || !at(z + 1, y, x));
        if (zEdge || !at(z, y - 1, x) || !at(z, y + 1, x) || !at(z, y, x - 1) || !at(z, y, x + 1)) {
          pts.push(z * spacing[0], y * spacing[1], x * spacing[2]);
        }
      }
    }
  }
  return Float64Array.from(pts);
}

/** For each point of `a`, the distance (mm) to the nearest point of `b`. Exact, O(|a| |b|). */
function nearest(a: Float64Array, b: Float64Array): Float64Array {
  const na = a.length / 3;
  const nb = b.length / 3;
  const out = new Float64Array(na);
  for (let i = 0; i < na; i++) {
    const z = a[3 * i] as number;
    const y = a[3 * i + 1] as number;
    const x = a[3 * i + 2] as number;
    let best = Infinity;
    for (let j = 0; j < nb; j++) {
      const dz = z - (b[3 * j] as number);
      const dy = y - (b[3 * j + 1] as number);
      const dx = x - (b[3 * j + 2] as number);
      const dd = dz * dz + dy * dy + dx * dx;
      if (dd < best) best = dd;
    }
    out[i] = Math.sqrt(best);
  }
  return out;
}

/** Value at quantile q (0..1) with linear interpolation, like numpy's default. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/**
 * 95th-percentile Hausdorff distance (mm) between the surfaces of two binary masks: the
 * 95th percentile of the pooled nearest-surface distances in both directions.
 * Returns 0 when both are empty and `null` when exactly one is.
 */
export function hd95(
  pred: Uint8Array,
  truth: Uint8Array,
  shape: [number, number, number],
  spacing: [number, number, number] = [1, 1, 1],
): number | null {
  const sp = surface(pred, shape, spacing);
  const st = surface(truth, shape, spacing);
  if (sp.length === 0 && st.length === 0) return 0;
  if (sp.length === 0 || st.length === 0) return null;
  const ab = nearest(sp, st);
  const ba = nearest(st, sp);
  const all = new Float64Array(ab.length + ba.length);
  all.set(ab);
  all.set(ba, ab.length);
  return percentile(all, 0.95);
}

/** Per-class metrics of one case (3D when D > 1). */
export function caseMetrics(
  caseId: string,
  pred: LabelVolume,
  truth: LabelVolume,
  opts: MetricOptions,
): CaseMetrics {
  const k = opts.nClasses;
  if (!Number.isInteger(k) || k < 2)
    throw new ValidationError(`metrics: nClasses must be an integer >= 2, got ${k}`);
  const n = checkPair(pred, truth);
  const inter = new Float64Array(k);
  const pc = new Float64Array(k);
  const tc = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = pred.data[i] as number;
    const t = truth.data[i] as number;
    pc[p] = (pc[p] ?? 0) + 1;
    tc[t] = (tc[t] ?? 0) + 1;
    if (p === t) {
      inter[p] = (inter[p] ?? 0) + 1;
      correct++;
    }
  }
  const classes: ClassMetrics[] = [];
  for (let c = 1; c < k; c++) {
    const { dice, iou } = diceIou(inter[c] as number, pc[c] as number, tc[c] as number);
    let h: number | null = null;
    if (opts.hd95 !== false) {
      const pm = new Uint8Array(n);
      const tm = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        pm[i] = pred.data[i] === c ? 1 : 0;
        tm[i] = truth.data[i] === c ? 1 : 0;
      }
      h = hd95(pm, tm, truth.shape, opts.spacing ?? [1, 1, 1]);
    }
    classes.push({ dice, iou, hd95: h, truthVoxels: tc[c] as number, predVoxels: pc[c] as number });
  }
  return {
    caseId,
    classes,
    meanDice: classes.reduce((s, m) => s + m.dice, 0) / classes.length,
    pixelAccuracy: correct / n,
  };
}
