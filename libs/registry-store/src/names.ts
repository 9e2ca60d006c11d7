/** Validation of user-chosen names and digests. */
import { ValidationError } from '../../core/src/index.js';

/** Names of datasets, genotypes, models and aliases: 1-64 chars, lowercase, starts alphanumeric. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Artifact names within a model version, e.g. "weights.bin". */
export const ARTIFACT_NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** A content digest: "sha256:" + 64 lowercase hex digits. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * Throws `ValidationError` naming `field` unless `value` matches {@link NAME_PATTERN}.
 * @returns the value, for chaining.
 */
export function checkName(field: string, value: string): string {
  if (!NAME_PATTERN.test(value)) {
    throw new ValidationError(
      `${field} ${JSON.stringify(value)} is invalid: use 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit`,
    );
  }
  return value;
}

/** Throws `ValidationError` unless `value` is a valid artifact name. */
export function checkArtifactName(value: string): string {
  if (!ARTIFACT_NAME_PATTERN.test(value))
    throw new ValidationError(
      `artifact name ${JSON.stringify(value)} is invalid: use 1-128 characters of A-Z, a-z, 0-9, '.', '_', '-'`,
    );
  return value;
}

/** Throws `ValidationError` naming `field` unless `value` is empty or a valid digest. */
export function checkOptionalDigest(field: string, value: string): string {
  if (value !== '' && !DIGEST_PATTERN.test(value))
    throw new ValidationError(`${field} must be "sha256:" followed by 64 lowercase hex digits`);
  return value;
}

/** Throws `ValidationError` unless `value` is an integer >= 1. */
export function checkVersion(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ValidationError(`${field} must be an integer >= 1, got ${value}`);
  return value;
}

/**
 * Checks a dataset-relative file path: '/'-separated, no '..', '.', empty segments or
 * leading '/', at most 512 characters, no control characters or backslashes.
 */
export function checkRelativePath(value: string): string {
  const bad =
    value.length === 0 ||
    value.length > 512 ||
    value.startsWith('/') ||
    /[\u0000-\u001f\\]/.test(value) ||
    value.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad)
    throw new ValidationError(
      `relative_path ${JSON.stringify(value.slice(0, 80))} is invalid: use a '/'-separated relative path without '..'`,
    );
  return value;
}
