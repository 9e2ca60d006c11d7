/**
 * Whether the client of an inbound call still waits for its answer: long work (a
 * segmentation, the content checks of an upload) asks between its stages and stops, or
 * stores nothing, once the client has cancelled or the call's deadline has passed.
 */
import { CancelledError } from '../../../libs/core/src/index.js';
import type { ParentCall } from './registry-gateway.js';

/** The inbound call: its deadline and whether the client went away. */
export type ServedCall = ParentCall & { readonly cancelled?: boolean };

/** Throws CancelledError once the client of `call` has cancelled or its deadline has passed. */
export function checkAlive(call: ServedCall | undefined): void {
  if (!call) return;
  if (call.cancelled) throw new CancelledError('the client cancelled the request');
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  if (Number.isFinite(ms) && ms > 0 && Date.now() > ms)
    throw new CancelledError('the request deadline has passed');
}
