/** The content digest used across the suite: "sha256:" + 64 lowercase hex digits. */
import { createHash } from 'node:crypto';

/** Digest of bytes (or a UTF-8 string) in the "sha256:<hex>" form. */
export function sha256Digest(bytes: Uint8Array | string): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}
