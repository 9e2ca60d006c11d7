/** Small numeric helpers for display. */

/** Value at quantile q (0..1) of the values (nearest rank on a sorted copy). */
export function percentileOf(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  if (s.length === 0) return 0;
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))] as number;
}
