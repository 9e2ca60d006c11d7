/**
 * Listing pages bounded by bytes as well as by count, so that no page of a listing can
 * grow past a gRPC message however large the stored records are.
 */
import type { Page, PageQuery } from './types.js';

/** Largest page of a listing, in bytes of its records' JSON (far under the message limit). */
export const MAX_PAGE_BYTES = 1024 * 1024;

/**
 * The first records of `page` whose JSON fits `maxBytes` (always at least one); when some
 * are left out the next page starts at the first of them.
 */
export function fitPageToBytes<T>(page: Page<T>, q: PageQuery, maxBytes = MAX_PAGE_BYTES): Page<T> {
  let total = 0;
  let kept = 0;
  for (const item of page.items) {
    total += Buffer.byteLength(JSON.stringify(item), 'utf8');
    if (kept > 0 && total > maxBytes) break;
    kept++;
  }
  return kept === page.items.length
    ? page
    : { items: page.items.slice(0, kept), nextOffset: q.offset + kept };
}
