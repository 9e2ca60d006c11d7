/**
 * Offset paging for List* RPCs: the page token is the decimal offset of the next item.
 */
import { ValidationError } from '../../../libs/core/src/index.js';

/** A page of items and the token of the next page ('' on the last). */
export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

/** Cuts `items` by a `PageRequest` (page_size 1..1000, 0 = 100). */
export function pageOf<T>(
  items: T[],
  page: { pageSize?: number; pageToken?: string } | null | undefined,
): Page<T> {
  const size = page?.pageSize || 100;
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw new ValidationError(`page.page_size: must be within 1..1000, got ${size}`);
  const token = page?.pageToken ?? '';
  const offset = token === '' ? 0 : Number(token);
  if (!Number.isInteger(offset) || offset < 0)
    throw new ValidationError(`page.page_token: '${token}' is not a token from a previous response`);
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? String(offset + size) : '';
  return { items: slice, nextPageToken: next };
}
