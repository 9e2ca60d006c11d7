/**
 * The stages of a segmentation (decode, preprocess, model, encode) as spans, although they
 * run in a worker thread, where no telemetry SDK runs: the worker reports each stage's
 * begin, attributes and end as events ({@link postingStage}), and the service thread
 * turns them into spans of the request's trace ({@link StageSpans}). Stages run one after
 * another, never nested.
 */
import { context, type Context, type Span } from '@opentelemetry/api';
import { describeError, reviveError, type ErrorDescription } from '../../../libs/core/src/index.js';
import { withSpan, type SpanAttributes } from '../../../libs/telemetry/src/index.js';

/** Sets an attribute of the running stage (e.g. progress). */
export type SetAttribute = (key: string, value: number | string) => void;

/** Runs `fn` as the stage `name` with `attrs`; the stage fails when `fn` throws. */
export type Stage = <T>(
  name: string,
  attrs: SpanAttributes,
  fn: (setAttribute: SetAttribute) => Promise<T> | T,
) => Promise<T>;

/** What a worker reports about its stages. */
export type StageEvent =
  | { kind: 'begin'; name: string; attrs: SpanAttributes }
  | { kind: 'attribute'; key: string; value: number | string }
  | { kind: 'end'; error?: ErrorDescription };

/** A {@link Stage} that reports through `post` (in the worker). */
export function postingStage(post: (e: StageEvent) => void): Stage {
  return async (name, attrs, fn) => {
    post({ kind: 'begin', name, attrs });
    try {
      const out = await fn((key, value) => post({ kind: 'attribute', key, value }));
      post({ kind: 'end' });
      return out;
    } catch (e) {
      post({ kind: 'end', error: describeError(e) });
      throw e;
    }
  };
}

/** Spans, in the trace that is active when it is made, of the stages a worker reports. */
export class StageSpans {
  private readonly parent: Context = context.active();
  private open: { span: Span; end: (error?: Error) => void } | null = null;

  /** Handles one event of the worker. */
  readonly onEvent = (e: StageEvent): void => {
    if (e.kind === 'begin') {
      this.finish();
      void withSpan(
        e.name,
        e.attrs,
        (span) =>
          new Promise<void>((resolve, reject) => {
            this.open = { span, end: (error) => (error ? reject(error) : resolve()) };
          }),
        { parent: this.parent },
      ).catch(() => undefined);
    } else if (e.kind === 'attribute') {
      this.open?.span.setAttribute(e.key, e.value);
    } else {
      this.finish(e.error && reviveError(e.error, 'segmentation stage'));
    }
  };

  /** Ends the open stage, if any (with `error` when given): the worker stopped or crashed. */
  finish(error?: Error): void {
    const open = this.open;
    this.open = null;
    open?.end(error);
  }
}
