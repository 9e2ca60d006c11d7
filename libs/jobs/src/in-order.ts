/** Asynchronous work queued from synchronous callbacks, run one after the other. */

/** A chain of asynchronous work in call order. */
export interface InOrder {
  /** Runs `fn` after everything queued before it; a failure does not stop later ones. */
  later(fn: () => Promise<void>): void;
  /** Resolves once everything queued so far has run. */
  settled(): Promise<void>;
}

/**
 * A queue for events that arrive synchronously (engine events, messages of a job's
 * process), to be published to the job in the order they came.
 */
export function inOrder(): InOrder {
  let chain: Promise<void> = Promise.resolve();
  return {
    later: (fn) => {
      chain = chain.then(fn).catch(() => undefined);
    },
    settled: () => chain,
  };
}
