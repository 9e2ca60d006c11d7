/** New DICOM UIDs under the 2.25 root (a random UUID as a decimal integer, PS3.5 B.2). */
import { randomUUID } from 'node:crypto';

/** A new, globally unique UID. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}
