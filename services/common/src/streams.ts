/**
 * Server-streaming helper: runs an async iterable producer as the Observable a Nest gRPC
 * handler returns, aborting the producer when the client goes away.
 */
import { Observable } from 'rxjs';

/** Emits what `produce(signal)` yields; unsubscribing (client cancel) aborts `signal`. */
export function streamOf<T>(produce: (signal: AbortSignal) => AsyncIterable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    void (async () => {
      try {
        for await (const item of produce(controller.signal)) {
          if (controller.signal.aborted) return;
          subscriber.next(item);
        }
        subscriber.complete();
      } catch (err) {
        if (!controller.signal.aborted) subscriber.error(err);
      }
    })();
    return () => controller.abort();
  });
}
