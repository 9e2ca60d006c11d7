/** New DICOM UIDs under the 2.25 root (a random UUID as a decimal integer, PS3.5 B.2). */
import { createHash, randomUUID } from 'node:crypto';

/** A new, globally unique UID. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

/** A DICOM UID as PS3.5 9.1 writes it: digits and dots, no empty component, at most 64 characters. */
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;

/** Whether `value` is a well-formed UID. */
export function isUid(value: string): boolean {
  return value.length <= 64 && UID.test(value);
}

/**
 * A short, stable stand-in for a UID in logs, spans and messages (study and series UIDs
 * can identify a patient's visit): the first 12 hex digits of its SHA-256.
 */
export function uidTag(uid: string): string {
  return createHash('sha256').update(uid, 'utf8').digest('hex').slice(0, 12);
}
