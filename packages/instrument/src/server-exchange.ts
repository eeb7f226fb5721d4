import type { ServerResponse } from 'node:http';
import type { Context, Span } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { RPCType } from '@opentelemetry/core';
import type { DeferredSpan } from './deferred-server-span.js';
import { nowMillis, releaseHeld, spanFromDeferred, writeDeferred } from './deferred-server-span.js';
import { settleWhenSpansEnd } from './deferred-span-children.js';
import { recordFailure, replayWrites } from './deferred-span-writes.js';
import { describeError, warnOnce } from './faultline-log.js';
import type { IgnoredRequest } from './ignored-paths.js';
import { spanOfFailedProbe } from './ignored-paths.js';
import type { OpenServerSpan } from './open-server-spans.js';
import { requestContext } from './request-context.js';
import type { RequestTiming } from './server-metrics.js';
import type { HttpServerTracingSetup } from './server-tracing-setup.js';

/*
 * A request's server span from its start to its end (http-server-tracing.ts starts it as the request
 * arrives): the span, or the deferred record it may become (deferred-server-span.ts), what happened
 * to the request meanwhile, and how its end is settled.
 */

/**
 * The exchange a request and its response belong to, kept on both objects (one property each: every
 * property added to them costs the request a little).
 */
export const EXCHANGE = Symbol('faultline.http.exchange');

/**
 * A request's server span, the context the request runs in, and what the span's end needs. A class,
 * so its method is shared (an object literal's method was a new closure on every request).
 */
export class Exchange implements OpenServerSpan {
  readonly rpc: RPCMetadata & { route?: string };
  /** An exception was recorded and the status set with its message. */
  failed = false;
  ended = false;
  /** Errors a framework reported while answering (`reportServerError`); recorded if the answer is 5xx. */
  reportedErrors: unknown[] | undefined = undefined;
  /**
   * A span made from a deferred one was given its start time, so the SDK would time what follows with
   * `Date.now()` (whole milliseconds, possibly before a sub-millisecond start): its events and end get
   * times from the same clock as its start instead.
   */
  timedHere = false;
  newerOpen: OpenServerSpan | undefined = undefined;
  olderOpen: OpenServerSpan | undefined = undefined;
  /** Set while a request to an ignored path runs unsampled: it gets a span only if it fails. */
  ignored: IgnoredRequest | undefined = undefined;
  /** Set when server metrics are on: when the request started, and its metric attributes. */
  timing: RequestTiming | undefined = undefined;
  readonly context: Context;
  /**
   * How its response ended, read as it closed: settling a deferred span may come later (spans under
   * it still open), and a dropped one may be revived by a span of its trace that fails after the drop.
   */
  endAt: number | undefined = undefined;
  headersSent = false;
  status = 0;
  /**
   * Its connection closed before the app finished its answer: the caller gave up (timed out, aborted)
   * or the socket died. Kept like a failure: it is the callee's side of "the call timed out waiting
   * for it", and often the only span of a process too busy to answer in time.
   */
  clientGone = false;
  /**
   * Kept though it succeeded, for what happened to it (its caller went away, or it was caught in a
   * stall of the event loop): the sampler keeps it at any share and gives it no adjusted count.
   */
  keptForCause = false;

  constructor(
    public span: Span,
    parent: Context,
    readonly method: string,
    readonly setup: HttpServerTracingSetup,
    /** Set while the server span is only a span context (see ServerSpanDeferral). */
    public deferred: DeferredSpan | undefined,
  ) {
    this.rpc = { type: RPCType.HTTP, span };
    this.context = requestContext(parent, span, this.rpc);
  }

  recordingSpan(): Span | undefined {
    if (this.deferred !== undefined) becomeSpan(this, this.deferred);
    // Asked while the process crashes: the crash fails every request in flight, probes too.
    if (this.ignored !== undefined) probeBecomesSpan(this, this.ignored);
    return this.span.isRecording() ? this.span : undefined;
  }

  /** Makes and ends the SDK span of a request whose trace was dropped, now that it is kept. */
  revive(): void {
    const deferred = this.deferred;
    if (deferred === undefined) return;
    deferred.dropped = false;
    becomeSpan(this, deferred);
    endServerSpan(this);
  }
}

export type Carrier = { [EXCHANGE]?: Exchange };
/**
 * Runs a step of tracing inside the app's own request handling (an event of its request or response,
 * an error its request listener threw): a failure in it is reported once and goes no further, neither
 * into the `emit` of the app's object nor in place of the app's own error.
 */
export function guarded<T, U>(work: (target: T, detail: U) => void, target: T, detail: U): void {
  try {
    work(target, detail);
  } catch (failure) {
    warnOnce('http-server-span', `HTTP server tracing failed on a request's span: ${describeError(failure)}`);
  }
}
/** Makes the span of a request to an ignored path that failed, and records its failures on it. */
function probeBecomesSpan(exchange: Exchange, ignored: IgnoredRequest): void {
  exchange.ignored = undefined;
  const span = spanOfFailedProbe(
    exchange.setup.tracer,
    exchange.setup.ignoredPaths!.ids,
    exchange.method,
    ignored,
  );
  exchange.span = span;
  exchange.rpc.span = span;
  exchange.timedHere = true;
  for (const { error, at } of ignored.failures) recordFailure(span, error, at);
}

/**
 * Turns a deferred server span into its SDK span: same ids, start time and attributes, then what was
 * written on it meanwhile, in order; later writes on the bare span (the app may hold it) go to it.
 */
function becomeSpan(exchange: Exchange, deferred: DeferredSpan): void {
  exchange.deferred = undefined;
  const span = spanFromDeferred(
    exchange.setup.tracer,
    exchange.setup.deferral!.ids,
    exchange.method,
    exchange.span.spanContext(),
    deferred,
  );
  exchange.span = span;
  exchange.rpc.span = span;
  exchange.timedHere = true;
  if (deferred.writes !== undefined) replayWrites(span, deferred.writes);
  deferred.writes = undefined;
  deferred.real = span;
  releaseHeld(deferred, span);
}
export function failExchange(response: Carrier, error: unknown): void {
  const exchange = response[EXCHANGE];
  if (exchange === undefined || exchange.ended) return;
  exchange.failed = true;
  if (exchange.ignored !== undefined) exchange.ignored.failures.push({ error, at: nowMillis() });
  else if (exchange.deferred !== undefined) {
    writeDeferred(exchange.deferred, { op: 'failure', error, at: nowMillis() });
  } else recordFailure(exchange.span, error, exchange.timedHere ? nowMillis() : undefined);
}
export function endExchange(response: ServerResponse & Carrier): void {
  const exchange = response[EXCHANGE];
  if (exchange === undefined || exchange.ended) return;
  exchange.ended = true;
  exchange.setup.openServerSpans.remove(exchange);
  // Metrics count every request, before sampling or an ignored path decide whether it has a span.
  if (exchange.timing !== undefined) {
    exchange.setup.serverMetrics!.end(
      exchange.timing,
      response,
      exchange.rpc.route,
      exchange.reportedErrors?.at(-1),
    );
  }
  if (exchange.ignored !== undefined) {
    // A probe that answered (or died) without failing leaves nothing: its span was never made.
    if (!exchange.failed && !(response.headersSent && response.statusCode >= 500)) return;
    probeBecomesSpan(exchange, exchange.ignored);
  }
  const deferred = exchange.deferred;
  exchange.endAt = exchange.timedHere || deferred !== undefined ? nowMillis() : undefined;
  exchange.headersSent = response.headersSent;
  exchange.status = response.statusCode;
  exchange.clientGone = !response.writableEnded;
  if (deferred !== undefined && deferred.openSpans > 0 && !failingEnd(exchange, deferred)) {
    // Spans under it are still open (a query, a call whose answer is still being read): one of them
    // may yet fail, and then the whole trace, this span too, must be kept. Settle as the last ends.
    settleWhenSpansEnd(deferred, () => guarded(finishExchange, exchange, undefined));
    return;
  }
  finishExchange(exchange);
}

/** Whether a request's end keeps its trace whatever the share: it failed, or its caller went away. */
function failingEnd(exchange: Exchange, deferred: DeferredSpan): boolean {
  return (
    exchange.failed ||
    deferred.failing ||
    exchange.clientGone ||
    (exchange.headersSent && exchange.status >= 500)
  );
}

function finishExchange(exchange: Exchange): void {
  const deferred = exchange.deferred;
  if (deferred !== undefined) {
    let failing = failingEnd(exchange, deferred);
    if (!failing) {
      // Right after a stall a fast handler may answer before its socket's end is read, so a caller
      // that gave up looks served: a request caught in the stall is kept all the same.
      exchange.keptForCause =
        exchange.setup.processPicture?.caughtInStall(deferred.startTime, exchange.endAt ?? nowMillis()) ===
        true;
      failing = exchange.keptForCause;
    }
    const traceId = deferred.traceId;
    const held = deferred.held.length;
    deferred.open = false;
    // Not kept: nothing of this request is exported, and there is no span to end.
    const { childStarted } = deferred;
    if (!exchange.setup.deferral!.settleDeferredRoot(traceId, failing, held, childStarted)) {
      deferred.droppedUnremembered = !childStarted;
      deferred.dropped = true;
      // A span of its trace that is still to start and end may fail, and bring it back (revive).
      deferred.droppedEnd = exchange;
      return;
    }
    becomeSpan(exchange, deferred);
  }
  endServerSpan(exchange);
}

/** Ends a request's SDK span with what its response ended with. */
function endServerSpan(exchange: Exchange): void {
  const { span, rpc, setup } = exchange;
  const deferral = setup.deferral;
  if (deferral !== undefined) {
    // A span that ends without failing is decided again by the sampler as it ends: tell it why it is
    // kept. One chosen at the share as it started stands for its share, whatever happened to it.
    if (!exchange.timedHere) deferral.keepChosen(span.spanContext().traceId);
    else if (exchange.clientGone || exchange.keptForCause) deferral.keepForCause(span.spanContext().traceId);
  }
  // Every span that gets here is exported (a dropped deferred one never does): it carries the picture.
  // This request has left the list of open ones already; it was in flight until now.
  if (setup.processPicture !== undefined && span.isRecording())
    setup.processPicture.describe(span, setup.openServerSpans.size + 1);
  const endAt = exchange.endAt;
  if (!exchange.headersSent) {
    // The connection closed before an answer (the caller gave up, or the socket died): there is no
    // status code to record, and `statusCode` would only be its default, 200.
    span.end(endAt);
    return;
  }
  const status = exchange.status;
  span.setAttribute('http.response.status_code', status);
  if (rpc.route !== undefined) {
    span.setAttribute('http.route', rpc.route);
    span.updateName(`${exchange.method} ${rpc.route}`);
  }
  if (status >= 500) {
    span.setAttribute('error.type', String(status));
    // A failed exchange has its exception and status already; so has a span the app set ERROR on.
    if (!exchange.failed) {
      if (exchange.reportedErrors !== undefined) {
        for (const error of exchange.reportedErrors) recordFailure(span, error, endAt);
      } else if (!isError(span)) span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  span.end(endAt);
}

/** Whether an SDK span's status is ERROR already (the app set it), so a bare ERROR would erase its message. */
function isError(span: Span): boolean {
  return (span as { status?: { code: SpanStatusCode } }).status?.code === SpanStatusCode.ERROR;
}
