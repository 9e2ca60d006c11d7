/**
 * Process exit codes of the `nasunet` command and the mapping from domain errors to them.
 */
import {
  BackendError,
  CancelledError,
  DataFormatError,
  IntegrityError,
  InvalidGenotypeError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  ResourceLimitError,
  ShapeError,
  UnauthenticatedError,
  UnknownOpError,
  ValidationError,
  AlreadyExistsError,
} from '../../core/src/index.js';

/** Exit codes; documented in `--help`. */
export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  DATA: 3,
  RESOURCE: 4,
  CANCELLED: 130,
} as const;

/** The `--help` epilog listing the exit codes. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    unexpected internal error (a bug, a compute backend that failed, an unreachable server or a failed server job)
  2    usage error or invalid input value (bad option, genotype, shape, preset), or on a
       server a missing or unknown token, or one without the scope the command needs
  3    data error: a missing, unreadable, corrupt or inconsistent file (the message names it),
       or on a server an unknown model, alias, version or dataset
  4    resource limit: the configuration needs more memory than allowed
  130  cancelled by SIGINT (Ctrl-C) after writing a checkpoint; continue with --resume
       (on a server the job is cancelled there)`;

/** Exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CancelledError) return EXIT.CANCELLED;
  if (err instanceof ResourceLimitError) return EXIT.RESOURCE;
  if (err instanceof DataFormatError || err instanceof NotFoundError || err instanceof IntegrityError)
    return EXIT.DATA;
  if (
    err instanceof ValidationError ||
    err instanceof ShapeError ||
    err instanceof InvalidGenotypeError ||
    err instanceof UnknownOpError ||
    err instanceof PreconditionError ||
    err instanceof PermissionDeniedError ||
    err instanceof UnauthenticatedError ||
    err instanceof AlreadyExistsError
  ) {
    return EXIT.USAGE;
  }
  if (err instanceof BackendError) return EXIT.UNEXPECTED;
  const code = (err as { code?: string } | null)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.USAGE;
  return EXIT.UNEXPECTED;
}
