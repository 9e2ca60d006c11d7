/**
 * The one place where domain errors become gRPC status codes (and back, for clients).
 * Services install {@link GrpcErrorFilter} globally; business code throws the domain
 * errors of libs/core and never builds an RpcException itself.
 */
import { Catch, Logger } from '@nestjs/common';
import type { ArgumentsHost, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { throwError, type Observable } from 'rxjs';
import {
  AlreadyExistsError,
  BackendError,
  CancelledError,
  DataFormatError,
  IntegrityError,
  InvalidGenotypeError,
  NasUnetError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  ResourceLimitError,
  ShapeError,
  UnauthenticatedError,
  UnknownOpError,
  ValidationError,
  withoutServerPaths,
} from '../../core/src/index.js';

/** A gRPC status as sent to the client: numeric code and a user-actionable message. */
export interface GrpcStatusBody {
  /** A `@grpc/grpc-js` `status` value. */
  code: GrpcStatus;
  /** Message for the user; never pixel data or patient identifiers. */
  message: string;
}

type ErrorClass = abstract new (...args: never[]) => NasUnetError;

/** Domain error class -> status code. Order does not matter (no subclassing between them). */
const STATUS_BY_CLASS: ReadonlyArray<readonly [ErrorClass, GrpcStatus]> = [
  [ValidationError, GrpcStatus.INVALID_ARGUMENT],
  [ShapeError, GrpcStatus.INVALID_ARGUMENT],
  [InvalidGenotypeError, GrpcStatus.INVALID_ARGUMENT],
  [UnknownOpError, GrpcStatus.INVALID_ARGUMENT],
  [DataFormatError, GrpcStatus.INVALID_ARGUMENT],
  [NotFoundError, GrpcStatus.NOT_FOUND],
  [AlreadyExistsError, GrpcStatus.ALREADY_EXISTS],
  [PreconditionError, GrpcStatus.FAILED_PRECONDITION],
  [PermissionDeniedError, GrpcStatus.PERMISSION_DENIED],
  [UnauthenticatedError, GrpcStatus.UNAUTHENTICATED],
  [ResourceLimitError, GrpcStatus.RESOURCE_EXHAUSTED],
  [IntegrityError, GrpcStatus.DATA_LOSS],
  [BackendError, GrpcStatus.UNAVAILABLE],
  [CancelledError, GrpcStatus.CANCELLED],
];

/** Message sent for any error that is not a domain error (details only go to the log). */
export const INTERNAL_ERROR_MESSAGE = 'internal error; the server log has the details';

const logger = new Logger('GrpcErrorFilter');

function isStatusBody(value: unknown): value is GrpcStatusBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'number' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * Maps any thrown value to the status sent to the client: domain errors by class,
 * an `RpcException({code, message})` as given, anything else to INTERNAL with a generic
 * message (the original is logged).
 */
export function toGrpcStatus(error: unknown): GrpcStatusBody {
  for (const [cls, code] of STATUS_BY_CLASS) {
    if (error instanceof cls) return { code, message: withoutServerPaths(error.message) };
  }
  if (error instanceof RpcException) {
    const body = error.getError();
    if (isStatusBody(body)) return { code: body.code, message: body.message };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { code: GrpcStatus.INTERNAL, message: INTERNAL_ERROR_MESSAGE };
}

/**
 * Nest exception filter for gRPC handlers (unary and streaming): rethrows every error as
 * its gRPC status (see {@link toGrpcStatus}). Install with
 * `app.useGlobalFilters(new GrpcErrorFilter())` in each service's main.ts and tests.
 */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    const body = toGrpcStatus(exception);
    return throwError(() => body);
  }
}

const CLASS_BY_STATUS: Partial<
  Record<GrpcStatus, new (message: string, options?: { cause?: unknown }) => NasUnetError>
> = {
  [GrpcStatus.INVALID_ARGUMENT]: ValidationError,
  [GrpcStatus.NOT_FOUND]: NotFoundError,
  [GrpcStatus.ALREADY_EXISTS]: AlreadyExistsError,
  [GrpcStatus.FAILED_PRECONDITION]: PreconditionError,
  [GrpcStatus.PERMISSION_DENIED]: PermissionDeniedError,
  [GrpcStatus.UNAUTHENTICATED]: UnauthenticatedError,
  [GrpcStatus.RESOURCE_EXHAUSTED]: ResourceLimitError,
  [GrpcStatus.DATA_LOSS]: IntegrityError,
  [GrpcStatus.UNAVAILABLE]: BackendError,
  [GrpcStatus.CANCELLED]: CancelledError,
};

/**
 * Client side: turns a failed call's `ServiceError` into the matching domain error (for
 * the CLI's exit codes). INVALID_ARGUMENT becomes `ValidationError`; codes without a
 * domain class (DEADLINE_EXCEEDED, INTERNAL, ...) are returned unchanged.
 */
export function fromGrpcError(error: ServiceError): Error {
  const cls = CLASS_BY_STATUS[error.code];
  return cls ? new cls(error.details || error.message, { cause: error }) : error;
}
