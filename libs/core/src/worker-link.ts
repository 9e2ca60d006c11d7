/**
 * One worker thread (node:worker_threads) answering one request at a time, as the
 * data-parallel trainers and the inference service use them. A request settles with the
 * worker's reply; the worker may post events meanwhile (`{ type: 'event' }`), handed to the
 * request's listener. A failed request comes back as the domain error the worker threw
 * (the same class of libs/core, so it keeps its gRPC status); any other failure, and a
 * worker that crashed or exited while a request was in flight, as `BackendError`
 * (UNAVAILABLE). A crashed link refuses every later request: replace it.
 */
import type { Worker } from 'node:worker_threads';
import * as errors from './errors.js';
import { BackendError, NasUnetError } from './errors.js';

/** An error as it crosses a thread boundary. */
export interface ErrorDescription {
  name: string;
  message: string;
}

/** What a worker posts when a request failed. */
export interface WorkerFailureMessage {
  type: 'error';
  error: ErrorDescription;
}

/** What a worker posts while it works on a request (progress, stage boundaries). */
export interface WorkerEventMessage<E = unknown> {
  type: 'event';
  event: E;
}

/** The description of a thrown value, for {@link WorkerFailureMessage}. */
export function describeError(e: unknown): ErrorDescription {
  return e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
}

type DomainErrorClass = new (message: string) => NasUnetError;

/** The domain error classes of libs/core, by name. */
const DOMAIN_ERRORS: ReadonlyMap<string, DomainErrorClass> = new Map(
  Object.entries(errors as Record<string, unknown>)
    .filter(
      (entry): entry is [string, DomainErrorClass] =>
        typeof entry[1] === 'function' && entry[1].prototype instanceof NasUnetError,
    )
    .map(([name, cls]) => [name, cls]),
);

/**
 * The error a worker described: the domain error of the same class and message, or
 * `BackendError` naming `label` for anything else (a bug or a runtime failure in the worker).
 */
export function reviveError(d: ErrorDescription, label: string): Error {
  const cls = DOMAIN_ERRORS.get(d.name);
  return cls ? new cls(d.message) : new BackendError(`${label} failed: ${d.message}`);
}

/**
 * The memory of `views` that can be moved to another thread without a copy: the buffers
 * that the views cover whole (never a slice of a shared pool, such as Node's small-Buffer
 * pool, which moving would take from every other user).
 */
export function movableBuffers(views: readonly ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const v of views) {
    const b = v.buffer;
    if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength) out.add(b);
  }
  return [...out];
}

interface Pending<R> {
  resolve: (reply: R) => void;
  reject: (e: Error) => void;
  onEvent?: ((event: unknown) => void) | undefined;
}

/** A worker thread with at most one request in flight; see the module doc. */
export class WorkerLink<Req, Rep> {
  private pending: Pending<Rep> | null = null;
  private failure: Error | null = null;
  private closing = false;

  /** @param label names the worker in error messages (e.g. 'segmentation worker'). */
  constructor(
    private readonly worker: Worker,
    private readonly label: string,
  ) {
    worker.on('message', (m: Rep | WorkerFailureMessage | WorkerEventMessage) => {
      const type = (m as { type?: unknown }).type;
      if (type === 'event') {
        this.pending?.onEvent?.((m as WorkerEventMessage).event);
        return;
      }
      const p = this.pending;
      this.pending = null;
      if (type === 'error') p?.reject(reviveError((m as WorkerFailureMessage).error, label));
      else p?.resolve(m as Rep);
    });
    worker.on('error', (e) => this.fail(new BackendError(`${label} failed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new BackendError(`${label} exited (code ${code})`));
    });
  }

  /** Whether the worker crashed or exited (every request is refused; replace the link). */
  get failed(): boolean {
    return this.failure !== null;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.pending?.reject(e);
    this.pending = null;
  }

  /** Sends `msg` (moving `transfer`) and resolves with the reply; `onEvent` gets the events posted meanwhile. */
  request(msg: Req, transfer: ArrayBuffer[] = [], onEvent?: (event: unknown) => void): Promise<Rep> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new BackendError(`${this.label} is busy`));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, onEvent };
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Sends `msg` without awaiting a reply (e.g. a stop signal for the request in flight). */
  notify(msg: unknown): void {
    if (!this.failure) this.worker.postMessage(msg);
  }

  /** Stops the worker; a request in flight is rejected. */
  async close(): Promise<void> {
    this.closing = true;
    this.fail(new BackendError(`${this.label} was stopped`));
    await this.worker.terminate();
  }
}
