/** RFC 3339 UTC timestamp with milliseconds from epoch milliseconds; '' when absent. */
export function toTimestamp(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString();
}
