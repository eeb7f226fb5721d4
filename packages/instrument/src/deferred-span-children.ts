import { type Context, context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BareServerSpan, type DeferredSpan } from './deferred-server-span.js';

/*
 * The SDK spans started under a deferred request, at any depth, counted until they end. A request
 * whose answer went out while some are still open (a query still running, a call whose answer is still
 * being read) is settled only when the last one ends: if one fails after the answer, its whole trace,
 * the request's own span included, is kept.
 */

/** Longest a request that ended waits for the spans still open under it before its trace is settled. */
export const MAX_WAIT_FOR_OPEN_SPANS_MS = 10_000;

/**
 * Called as the SDK starts a span under `parentContext` (FailureFirstSpanProcessor#onStart). When the
 * parent is a deferred request's bare span, the request learns that spans of its trace may end after
 * it; returns that trace's id when the request was already dropped without its decision remembered,
 * so the caller remembers it before this span ends.
 */
export function noteSpanStart(span: object, parentContext: Context): string | undefined {
  const parent = trace.getSpan(parentContext);
  if (parent === undefined) return undefined;
  const record = parent instanceof BareServerSpan ? parent.record : (parent as Tracked)[DEFERRED_ROOT];
  if (record === undefined) return undefined;
  // Its descendants find the record through it, and its end is counted (noteSpanEnd).
  (span as Tracked)[DEFERRED_ROOT] = record;
  record.openSpans += 1;
  record.childStarted = true;
  if (!record.droppedUnremembered) return undefined;
  record.droppedUnremembered = false;
  return record.traceId;
}

/**
 * Called as an SDK span ends, after the sampler took it: when it is the last open span under a
 * deferred request that ended before it, the request's trace is settled now; when it failed under a
 * request already dropped, that request's span is made after all (the sampler keeps the trace for
 * this span's failure, and the request's span then joins it).
 */
export function noteSpanEnd<S extends object>(span: S, isFailing: (span: S) => boolean): void {
  const record = (span as Tracked)[DEFERRED_ROOT];
  if (record === undefined) return;
  (span as Tracked)[DEFERRED_ROOT] = undefined;
  record.openSpans -= 1;
  if (record.droppedEnd !== undefined && isFailing(span)) {
    const end = record.droppedEnd;
    record.droppedEnd = undefined;
    end.revive();
    return;
  }
  if (record.openSpans === 0) record.whenSpansEnd?.();
}

/** The deferred request an SDK span was started under, at any depth, while the span is open. */
const DEFERRED_ROOT = Symbol('faultline.deferredRoot');
type Tracked = { [DEFERRED_ROOT]?: DeferredSpan | undefined };

/**
 * Runs `settle` once no span is open under `record` (noteSpanEnd, then a turn of the event loop), or after
 * MAX_WAIT_FOR_OPEN_SPANS_MS: a span that never ends (a response body nobody reads) must not keep the
 * request waiting forever.
 */
export function settleWhenSpansEnd(record: DeferredSpan, settle: () => void): void {
  let timer: NodeJS.Timeout | undefined;
  const once = (): void => {
    if (record.whenSpansEnd === undefined) return;
    clearTimeout(timer);
    record.whenSpansEnd = undefined;
    settle();
  };
  const checkStillNone = (): void => {
    if (record.openSpans === 0) once();
  };
  // The code a span's end hands over to (a pool's connect callback) often starts the next span at
  // once: the request is settled only if none is open once that code has run.
  record.whenSpansEnd = () => {
    context.with(ROOT_CONTEXT, () => setImmediate(checkStillNone));
  };
  // In the root context, so the timers neither keep the request's context alive nor run in it.
  timer = context.with(ROOT_CONTEXT, () => setTimeout(once, MAX_WAIT_FOR_OPEN_SPANS_MS));
  timer.unref();
}
