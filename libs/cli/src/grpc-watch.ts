/**
 * Follows a search or training job through its Watch stream: translates the streamed
 * events into the engine's events (so the same progress bars and log lines appear as in
 * a local run), cancels the job on the server when the signal aborts (Ctrl-C) or, for a
 * watcher that did not start the job, only stops following it, and resolves with the
 * job's terminal state.
 */
import type * as grpc from '@grpc/grpc-js';
import { BackendError, CancelledError } from '../../core/src/index.js';
import type { EngineEvent, RunKind } from '../../engine/src/index.js';
import { genotypesEqual, parseGenotype, type Genotype } from '../../nas/src/index.js';
import type {
  AlphaMatrix__Output,
  WatchSearchResponse__Output,
  WatchTrainingResponse__Output,
} from '../../rpc/src/index.js';
import { isUnavailable, readStream, targetOf, unaryCall } from './grpc-calls.js';

/** Terminal job states. */
const TERMINAL = new Set(['JOB_STATE_DONE', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED']);

/** What a followed job ended with. */
export interface JobOutcome<S> {
  /** The terminal state event. */
  state: S;
  /** Number of epochs reported. */
  epochs: number;
  /** Last global step reported. */
  step: number;
  /** Last validation Dice reported (NaN when no epoch finished). */
  valDice: number;
  /** Last validation loss reported (NaN when the service does not stream one). */
  valLoss: number;
  /** Search only: the genotype JSON of the last epoch. */
  genotypeJson?: string;
  /** Search only: the alpha matrices (softmax weights) of the last epoch. */
  alphas?: AlphaMatrix__Output[];
  /** Training only: validation Dice of each finished epoch. */
  epochDice: number[];
}

/** Options of {@link followJob}. */
export interface FollowOptions {
  kind: RunKind;
  jobId: string;
  /** The service's client (SearchService or TrainingService). */
  client: grpc.Client;
  /** Planned maximum epochs (for the progress bar's total). */
  maxEpochs: number;
  onEvent?: (e: EngineEvent) => void;
  signal?: AbortSignal;
  /** On abort stop following and leave the job running (default: cancel it on the server). */
  detachOnAbort?: boolean;
  /**
   * Called with the server address (`host:port`) that serves each watch stream, once its
   * first message arrived: the first stream's, then each re-opened one's (a client that
   * balances over replicas may land on another).
   */
  onWatchServed?: (peer: string) => void;
}

type WatchMessage = WatchSearchResponse__Output | WatchTrainingResponse__Output;
type StateOf<M> = M extends { state?: infer S | null } ? S : never;

/**
 * Streams the job's events until it reaches a terminal state; on abort asks the server to
 * cancel it and keeps reading until it reports CANCELLED (or, with `detachOnAbort`, stops
 * reading at once).
 * @throws CancelledError when the job ended cancelled or the watch was detached,
 * BackendError when it failed.
 */
export async function followJob<M extends WatchMessage>(o: FollowOptions): Promise<JobOutcome<StateOf<M>>> {
  const search = o.kind === 'search';
  const address = targetOf(o.client);
  const emit = (e: EngineEvent): void => {
    try {
      o.onEvent?.(e);
    } catch {
      /* a listener's failure must not stop the run */
    }
  };
  const started = Date.now();
  let started_ = false;
  let stepsPerEpoch = 1;
  const out = {
    epochs: 0,
    step: 0,
    valDice: NaN,
    valLoss: NaN,
    epochDice: [] as number[],
  } as JobOutcome<StateOf<M>>;
  let terminal: StateOf<M> | undefined;
  let lastGenotype: Genotype | null = null;

  let cancelSent = false;
  const cancel = (): void => {
    if (cancelSent) return;
    cancelSent = true;
    const method = search ? 'cancelSearch' : 'cancelTraining';
    void unaryCall(o.client, method, { jobId: o.jobId }, `cancelling ${o.kind} job ${o.jobId}`).catch(
      () => undefined,
    );
  };
  let stream: grpc.ClientReadableStream<M> | undefined;
  let detached = false;
  const onAbort = (): void => {
    if (!o.detachOnAbort) return cancel();
    detached = true;
    stream?.cancel();
  };
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const onMessage = (m: M): void => {
    if (m.event === 'step' && m.step) {
      const s = m.step;
      stepsPerEpoch = Math.max(1, s.stepsPerEpoch);
      const totalSteps = stepsPerEpoch * o.maxEpochs;
      if (!started_) {
        started_ = true;
        emit({
          type: 'start',
          kind: o.kind,
          totalSteps,
          stepsPerEpoch,
          maxEpochs: o.maxEpochs,
          resumed: s.step > 1,
          epoch: Math.max(0, s.epoch - 1),
          step: Math.max(0, s.step - 1),
        });
      }
      out.step = s.step;
      const loss = 'weightLoss' in s ? s.weightLoss : s.loss;
      emit({
        type: 'step',
        kind: o.kind,
        epoch: Math.max(0, s.epoch - 1),
        stepInEpoch: ((s.step - 1) % stepsPerEpoch) + 1,
        stepsPerEpoch,
        step: s.step,
        totalSteps,
        loss,
        alphaLoss: 'alphaLoss' in s ? s.alphaLoss : null,
        lr: 'learningRate' in s ? s.learningRate : 0,
        etaSeconds: s.etaSeconds >= 0 ? s.etaSeconds : null,
      });
    } else if (m.event === 'epoch' && m.epoch && m.epoch.epoch > out.epochs) {
      // A re-opened watch replays the epochs already seen; they count once.
      const e = m.epoch;
      out.epochs = e.epoch;
      out.valDice = e.validationDice;
      const trainLoss = 'weightLoss' in e ? e.weightLoss : e.trainLoss;
      out.valLoss = 'validationLoss' in e ? e.validationLoss : NaN;
      if (!search) out.epochDice.push(e.validationDice);
      emit({
        type: 'epoch',
        kind: o.kind,
        epoch: e.epoch - 1,
        step: out.step,
        trainLoss,
        alphaLoss: 'alphaLoss' in e ? e.alphaLoss : null,
        valLoss: out.valLoss,
        valDice: e.validationDice,
        etaSeconds: e.etaSeconds >= 0 ? e.etaSeconds : null,
        elapsedSeconds: (Date.now() - started) / 1000,
      });
      if ('alphas' in e && e.alphas.length > 0) out.alphas = e.alphas;
      if ('genotypeJson' in e && e.genotypeJson) {
        out.genotypeJson = e.genotypeJson;
        try {
          const genotype = parseGenotype(JSON.parse(e.genotypeJson));
          // Changed as the service counts it: pairs of a node swapping places are no change.
          const changed = lastGenotype === null || !genotypesEqual(lastGenotype, genotype);
          lastGenotype = genotype;
          emit({
            type: 'genotype',
            epoch: e.epoch - 1,
            genotype,
            changed,
            stableEpochs: e.genotypeStableEpochs,
          });
        } catch {
          /* the final genotype is read from the registry */
        }
      }
    } else if (m.event === 'state' && m.state) {
      if (TERMINAL.has(String(m.state.state))) terminal = m.state as StateOf<M>;
    }
  };

  try {
    // The stream ends when the job reaches a terminal state; a stream that ends early or
    // breaks off UNAVAILABLE (a service restart, or the replica serving it gone while the
    // client balances over others) is opened again.
    for (let attempt = 0; terminal === undefined; attempt++) {
      if (attempt > 0 && !detached) await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
      if (detached)
        throw new CancelledError(`stopped watching ${o.kind} job ${o.jobId}; it goes on on the server`);
      const method = search ? 'watchSearch' : 'watchTraining';
      stream = (o.client as unknown as Record<string, (r: unknown) => grpc.ClientReadableStream<M>>)[
        method
      ]!.call(o.client, { jobId: o.jobId });
      let unreachable: unknown;
      let served = false;
      const opened = stream;
      const onFirst = (m: M): void => {
        if (!served) {
          served = true;
          try {
            o.onWatchServed?.(opened.getPeer());
          } catch {
            /* a listener's failure must not stop the run */
          }
        }
        onMessage(m);
      };
      await readStream<M>(stream, onFirst, `watching ${o.kind} job ${o.jobId}`, address).catch(
        (err: unknown) => {
          if (detached) return;
          if (!isUnavailable(err)) throw err;
          unreachable = err;
        },
      );
      if (attempt > 20)
        throw unreachable ?? new BackendError(`${o.kind} job ${o.jobId}: the watch stream keeps ending`);
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  const st = terminal as unknown as { state: string; errorMessage: string };
  const reason =
    st.state === 'JOB_STATE_CANCELLED'
      ? 'cancelled'
      : out.epochs >= o.maxEpochs
        ? 'max_epochs'
        : 'early_stop';
  emit({
    type: 'done',
    kind: o.kind,
    reason,
    epochs: out.epochs,
    step: out.step,
    elapsedSeconds: (Date.now() - started) / 1000,
    valLoss: out.valLoss,
    valDice: out.valDice,
  });
  if (st.state === 'JOB_STATE_CANCELLED')
    throw new CancelledError(`${o.kind} job ${o.jobId} was cancelled on the server`);
  if (st.state === 'JOB_STATE_FAILED')
    throw new BackendError(`${o.kind} job ${o.jobId} failed: ${st.errorMessage || 'no reason given'}`);
  return { ...out, state: terminal };
}
