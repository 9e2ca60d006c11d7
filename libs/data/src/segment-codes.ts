/**
 * Coded concepts of a segmentation class (what a DICOM Segmentation records for the class:
 * property category, type and optional type modifier, e.g. SNOMED CT codes), and reading
 * them from an MSD `dataset.json`'s `segmentCodes`, keyed by label code:
 * `{"1": {"category": {"value": "91723000", "scheme": "SCT", "meaning": "Anatomical
 * Structure"}, "type": {...}, "modifier": {...}}}`.
 */
import { z } from 'zod';
import { DataFormatError } from '../../core/src/index.js';
import type { ClassInfo } from './types.js';

/** A coded concept: code value, coding scheme designator (e.g. `SCT` for SNOMED CT), code meaning. */
export const CodedConceptSchema = z
  .object({
    value: z.string().min(1).max(16),
    scheme: z.string().min(1).max(16),
    meaning: z.string().min(1).max(64),
  })
  .strict();

/** What a DICOM SEG segment of a class is: property category, type and optional type modifier. */
export const SegmentCodesSchema = z
  .object({
    category: CodedConceptSchema,
    type: CodedConceptSchema,
    modifier: CodedConceptSchema.optional(),
  })
  .strict();
export type SegmentCodes = z.infer<typeof SegmentCodesSchema>;

/**
 * The `segmentCodes` of a dataset.json (`file` names it in messages), by label code.
 * @throws DataFormatError naming the key and field for anything that is not as documented.
 */
export function parseSegmentCodes(value: unknown, file: string): Map<number, SegmentCodes> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataFormatError(`${file}: 'segmentCodes' must be an object keyed by label code`);
  }
  const codes = new Map<number, SegmentCodes>();
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    const code = Number(key);
    if (!/^\d+$/.test(key) || code === 0) {
      throw new DataFormatError(
        `${file}: segmentCodes key '${key}' must be the label code of a foreground class (1, 2, ...)`,
      );
    }
    const parsed = SegmentCodesSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = ['segmentCodes', key, ...(issue?.path ?? [])].join('.');
      throw new DataFormatError(
        `${file}: ${where}: ${issue?.message ?? 'invalid'} (expected {category, type, modifier?}, each {value, scheme, meaning})`,
      );
    }
    codes.set(code, parsed.data);
  }
  return codes;
}

/**
 * `classes` with the codes of `codes` attached by label code.
 * @throws DataFormatError (naming `file`) for a code that is not one of the classes.
 */
export function withSegmentCodes(
  classes: readonly ClassInfo[],
  codes: ReadonlyMap<number, SegmentCodes>,
  file: string,
): ClassInfo[] {
  const known = new Set(classes.map((c) => c.code));
  for (const code of codes.keys()) {
    if (!known.has(code)) {
      throw new DataFormatError(
        `${file}: segmentCodes names label code ${code}, which is not a class of the data (${[...known].join(', ')})`,
      );
    }
  }
  return classes.map((c) => {
    const segment = codes.get(c.code);
    return segment ? { ...c, segment } : { ...c };
  });
}
