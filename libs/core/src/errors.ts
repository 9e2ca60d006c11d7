/**
 * Domain errors shared by every lib. Libraries throw these; the gRPC layer (libs/rpc) maps
 * each class to one status code in one place, and the CLI maps them to exit codes.
 * Messages must be actionable and must never contain pixel data or patient identifiers.
 */

/** Base class: `code` is a stable machine-readable name. */
export abstract class NasUnetError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request or configuration value is malformed (-> INVALID_ARGUMENT). */
export class ValidationError extends NasUnetError {
  readonly code = 'invalid_argument';
}

/** A tensor shape breaks a documented rule, e.g. H not a multiple of 2^(depth+1) (-> INVALID_ARGUMENT). */
export class ShapeError extends NasUnetError {
  readonly code = 'shape';
}

/** A genotype JSON fails its schema or the rules of the search space (-> INVALID_ARGUMENT). */
export class InvalidGenotypeError extends NasUnetError {
  readonly code = 'invalid_genotype';
}

/** An operation key that is not in the registry (-> INVALID_ARGUMENT). */
export class UnknownOpError extends NasUnetError {
  readonly code = 'unknown_op';
}

/** An input file cannot be decoded: corrupt gzip, truncated NIfTI, bad PNG, NaNs (-> INVALID_ARGUMENT). */
export class DataFormatError extends NasUnetError {
  readonly code = 'data_format';
}

/** Something named does not exist: a model, alias, dataset, job or file (-> NOT_FOUND). */
export class NotFoundError extends NasUnetError {
  readonly code = 'not_found';
}

/** A model, genotype or dataset name is already taken where uniqueness is required (-> ALREADY_EXISTS). */
export class AlreadyExistsError extends NasUnetError {
  readonly code = 'already_exists';
}

/** The system is not in a state that allows the operation, e.g. cancel a finished job (-> FAILED_PRECONDITION). */
export class PreconditionError extends NasUnetError {
  readonly code = 'failed_precondition';
}

/** The caller gave no credentials or unknown ones, e.g. a missing or unknown bearer token (-> UNAUTHENTICATED). */
export class UnauthenticatedError extends NasUnetError {
  readonly code = 'unauthenticated';
}

/**
 * The caller may not do this: a server folder outside the allowed roots, or a token
 * without the scope the call needs (-> PERMISSION_DENIED).
 */
export class PermissionDeniedError extends NasUnetError {
  readonly code = 'permission_denied';
}

/** A request exceeds a configured limit: image size, estimated memory (-> RESOURCE_EXHAUSTED). */
export class ResourceLimitError extends NasUnetError {
  readonly code = 'resource_exhausted';
}

/** Stored data failed verification: a checksum or weight-shape mismatch (-> DATA_LOSS). */
export class IntegrityError extends NasUnetError {
  readonly code = 'data_loss';
}

/**
 * Something the service needs cannot be used now: a compute backend (or it gave wrong
 * answers in its self-check), or the registry's database (-> UNAVAILABLE).
 */
export class BackendError extends NasUnetError {
  readonly code = 'unavailable';
}

/** A long operation stopped because its AbortSignal fired (-> CANCELLED). */
export class CancelledError extends NasUnetError {
  readonly code = 'cancelled';
}
