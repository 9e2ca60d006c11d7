/**
 * Promise helpers over the generated gRPC clients for the command line: unary calls and
 * server streams whose failures become the domain errors of libs/core (so the exit codes
 * follow), with the service address named when a server cannot be reached.
 */
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { BackendError } from '../../core/src/index.js';
import { fromGrpcError } from '../../rpc/src/index.js';

/** Default deadline of a unary call made by the CLI, in milliseconds. */
export const CLI_UNARY_DEADLINE_MS = 60_000;

/**
 * Turns a failed call into a domain error: `fromGrpcError` for the status codes that have
 * one; UNAVAILABLE and DEADLINE_EXCEEDED name the service and its address.
 */
export function callError(err: unknown, what: string, address: string): Error {
  const e = err as grpc.ServiceError;
  if (typeof e?.code !== 'number') return err as Error;
  if (e.code === status.UNAVAILABLE)
    return new BackendError(
      `${what}: cannot reach the server at ${address} (${e.details || e.message}); is it running? (npm start)`,
      { cause: e },
    );
  if (e.code === status.DEADLINE_EXCEEDED)
    return new BackendError(`${what}: no answer from ${address} before the deadline`, { cause: e });
  const mapped = fromGrpcError(e);
  if (mapped !== e) mapped.message = `${what}: ${mapped.message}`;
  return mapped;
}

/** Whether `err` (from {@link callError}) means the server could not be reached. */
export function isUnavailable(err: unknown): boolean {
  return (err as { cause?: { code?: unknown } } | null)?.cause?.code === status.UNAVAILABLE;
}

/** The `host:port` a client dials (without the resolver scheme). */
export function targetOf(client: grpc.Client): string {
  return client
    .getChannel()
    .getTarget()
    .replace(/^dns:(\/\/\/)?/, '');
}

/** A unary method of a generated client in `(request, options, callback)` form. */
type Unary<Req, Res> = (
  request: Req,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, res?: Res) => void,
) => grpc.ClientUnaryCall;

/**
 * Calls a unary method of `client` by name with a deadline (default
 * {@link CLI_UNARY_DEADLINE_MS}); rejects with the domain error of the status.
 */
export function unaryCall<Res>(
  client: grpc.Client,
  method: string,
  request: unknown,
  what: string,
  deadlineMs = CLI_UNARY_DEADLINE_MS,
): Promise<Res> {
  const fn = (client as unknown as Record<string, Unary<unknown, Res>>)[method];
  if (typeof fn !== 'function') throw new TypeError(`no method ${method} on the client`);
  const address = targetOf(client);
  return new Promise((resolve, reject) => {
    fn.call(client, request, { deadline: Date.now() + deadlineMs }, (err, res) =>
      err ? reject(callError(err, what, address)) : resolve(res as Res),
    );
  });
}

/**
 * Reads a server stream to its end, calling `onMessage` for each message; rejects with the
 * domain error of the status.
 */
export function readStream<T>(
  stream: grpc.ClientReadableStream<T>,
  onMessage: (m: T) => void,
  what: string,
  address: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('data', (m: T) => {
      try {
        onMessage(m);
      } catch (e) {
        reject(e as Error);
        stream.cancel();
      }
    });
    stream.on('error', (err) => reject(callError(err, what, address)));
    stream.on('end', () => resolve());
  });
}
