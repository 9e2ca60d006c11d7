/** Helpers for payloads that travel as streams of chunks. */
import { Observable } from 'rxjs';
import { CancelledError, ResourceLimitError, ValidationError } from '../../core/src/index.js';
import { DEFAULT_CHUNK_BYTES } from './options.js';

/**
 * Splits bytes into consecutive views of at most `chunkBytes` bytes (no copy). Yields one
 * empty chunk for empty input, so that a file of size 0 still appears in a stream.
 */
export function* splitChunks(
  bytes: Uint8Array,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): Generator<Uint8Array> {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1)
    throw new ValidationError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
  if (bytes.byteLength === 0) {
    yield bytes;
    return;
  }
  for (let off = 0; off < bytes.byteLength; off += chunkBytes)
    yield bytes.subarray(off, Math.min(off + chunkBytes, bytes.byteLength));
}

/**
 * Concatenates a stream of chunks, failing with `ResourceLimitError` as soon as the total
 * exceeds `maxBytes` (the rest of the stream is not read).
 * @param what names the payload in the error message, e.g. "volume".
 */
export async function collectChunks(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
  what = 'payload',
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new ResourceLimitError(`${what} exceeds the limit of ${maxBytes} bytes`);
    parts.push(chunk);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/** How long the end of a request stream waits for a cancellation to show, ms. */
const CANCEL_GRACE_MS = 20;

/**
 * Adapts an Observable (what Nest hands a `@GrpcStreamMethod` handler) to an async
 * iterable. Subscribes at once (not on first read) and buffers values until they are
 * read; breaking out of the loop unsubscribes. Can be iterated once.
 *
 * Nest completes a request stream the same way whether the client finished it or
 * cancelled the call (or its deadline passed). Pass the handler's `call` so that a
 * cancelled stream ends in `CancelledError` instead of looking complete: otherwise a
 * truncated upload, or a whole one the client cancelled before half-closing, would be
 * taken for a finished one.
 */
export function observableToAsyncIterable<T>(
  source: Observable<T>,
  call?: { readonly cancelled: boolean },
): AsyncIterable<T> {
  const buffer: T[] = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const sub = source.subscribe({
    next: (v) => {
      buffer.push(v);
      notify();
    },
    error: (e: unknown) => {
      failure = { error: e };
      notify();
    },
    complete: () => {
      // grpc-js reports a client's cancellation as the end of its request stream first and
      // marks the call cancelled up to a few event-loop turns later (typically two, under
      // a millisecond); only a stream that is still not cancelled after a grace period and
      // two more turns was half-closed by the client.
      setTimeout(
        () =>
          setImmediate(() =>
            setImmediate(() => {
              done = true;
              notify();
            }),
          ),
        CANCEL_GRACE_MS,
      );
    },
  });
  const iterator: AsyncIterator<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (buffer.length > 0) return { value: buffer.shift() as T, done: false };
        if (failure) throw failure.error;
        if (done && call?.cancelled)
          throw new CancelledError('the client cancelled the call or its deadline passed');
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    async return(): Promise<IteratorResult<T>> {
      sub.unsubscribe();
      buffer.length = 0;
      done = true;
      return { value: undefined, done: true };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

/**
 * The way to write a client-streaming (or bidi) Nest gRPC handler: returns, synchronously,
 * an Observable that feeds the request stream to `consume` as an async iterable and emits
 * its result.
 *
 * Nest (12.x) completes the request stream only after the handler's return value is
 * available; a handler that is `async` and awaits the end of the stream therefore waits
 * forever. Return this Observable from a plain (non-async) method instead:
 * `upload(m: Observable<Req>, _md: Metadata, call: ServerDuplexStream<Req, Res>): Observable<Res> { return fromClientStream(m, (it) => svc.upload(it), call); }`
 * @param call the handler's third argument: a cancelled call then fails with `CancelledError`
 *   (see {@link observableToAsyncIterable}).
 */
export function fromClientStream<T, R>(
  messages: Observable<T>,
  consume: (requests: AsyncIterable<T>) => Promise<R>,
  call?: { readonly cancelled: boolean },
): Observable<R> {
  return new Observable<R>((subscriber) => {
    const requests = observableToAsyncIterable(messages, call);
    consume(requests).then(
      (result) => {
        subscriber.next(result);
        subscriber.complete();
      },
      (error: unknown) => subscriber.error(error),
    );
    return () => void requests[Symbol.asyncIterator]().return?.();
  });
}

/** Emits the values of an async iterable as an Observable (what Nest expects back from a streaming handler). */
export function asyncIterableToObservable<T>(source: AsyncIterable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const it = source[Symbol.asyncIterator]();
    let stopped = false;
    void (async () => {
      try {
        for (;;) {
          const r = await it.next();
          if (stopped) return;
          if (r.done) break;
          subscriber.next(r.value);
        }
        subscriber.complete();
      } catch (e) {
        if (!stopped) subscriber.error(e);
      }
    })();
    return () => {
      stopped = true;
      void it.return?.();
    };
  });
}

/**
 * Splits a request stream into its first message and the rest (for streams whose first
 * message is a header, e.g. metadata then chunks). `head` is undefined for an empty stream.
 */
export async function headAndRest<T>(
  source: AsyncIterable<T>,
): Promise<{ head: T | undefined; rest: AsyncIterable<T> }> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  const rest: AsyncIterable<T> = { [Symbol.asyncIterator]: () => it };
  return { head: first.done ? undefined : first.value, rest };
}

/**
 * The way to write a bidirectional-streaming Nest gRPC handler: returns, synchronously, an
 * Observable that feeds the request stream to `respond` and emits every value `respond`
 * yields. Same reason and usage as {@link fromClientStream}.
 */
export function fromBidiStream<T, R>(
  messages: Observable<T>,
  respond: (requests: AsyncIterable<T>) => AsyncIterable<R>,
  call?: { readonly cancelled: boolean },
): Observable<R> {
  return new Observable<R>((subscriber) => {
    const requests = observableToAsyncIterable(messages, call);
    const inner = asyncIterableToObservable(respond(requests)).subscribe(subscriber);
    return () => {
      inner.unsubscribe();
      void requests[Symbol.asyncIterator]().return?.();
    };
  });
}
