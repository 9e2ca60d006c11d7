/**
 * The case ids a server returns: a short hash of the dataset's own case id (its file stem),
 * never the stem itself, since hospital exports often name files after patients. The same
 * stem always gives the same id, so a user holding the files can match them.
 */
import { createHash } from 'node:crypto';

/** `case-` and the first 12 hex digits of the SHA-256 of `caseId`. */
export function pseudonymousCaseId(caseId: string): string {
  return `case-${createHash('sha256').update(caseId, 'utf8').digest('hex').slice(0, 12)}`;
}
