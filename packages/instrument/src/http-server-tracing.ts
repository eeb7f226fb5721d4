import type { EventEmitter } from 'node:events';
import { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { isTracingSuppressed, RPCType } from '@opentelemetry/core';
import type { DeferredSpan, ServerSpanDeferral } from './deferred-server-span.js';
import { deferIfNotKept, nowMillis, releaseHeld, spanFromDeferred } from './deferred-server-span.js';
import { type Emit, patchEmit } from './emit-patch.js';
import { describeError, warnOnce } from './faultline-log.js';
import type { IgnoredRequest } from './ignored-paths.js';
import { ignoredRequest, spanOfFailedProbe } from './ignored-paths.js';
import type { OpenServerSpan, OpenServerSpans } from './open-server-spans.js';
import { requestContext } from './request-context.js';
import type { RequestTiming, ServerMetrics } from './server-metrics.js';
import { serverAttributes } from './server-span-attributes.js';
import type { PresetIdGenerator } from './span-ids.js';
import { rememberTraceResponse, rememberTraceResponseIf5xx } from './trace-response.js';

/** What the server side of HTTP tracing needs. */
export interface HttpServerTracingSetup {
  tracer: Tracer;
  openServerSpans: OpenServerSpans;
  traceResponseHeader: boolean;
  /** Present when successful traces are sampled: server spans of traces not kept stay bare contexts. */
  deferral?: ServerSpanDeferral;
  /** Paths whose successful requests make no span (FAULTLINE_IGNORE_PATHS; see ignored-paths.ts). */
  ignoredPaths?: { paths: ReadonlySet<string>; ids: PresetIdGenerator };
  /** Present when a MeterProvider is configured: every request's duration (server-metrics.ts). */
  serverMetrics?: ServerMetrics;
}

/**
 * The exchange a request and its response belong to, kept on both objects (one property each: every
 * property added to them costs the request a little).
 */
const EXCHANGE = Symbol('faultline.http.exchange');

/**
 * A request's server span, the context the request runs in, and what the span's end needs. A class,
 * so its method is shared (an object literal's method was a new closure on every request).
 */
class Exchange implements OpenServerSpan {
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
}

type Carrier = { [EXCHANGE]?: Exchange };

/**
 * The server half of HTTP tracing, in place of @opentelemetry/instrumentation-http's (which keeps the
 * client half). Same spans and attributes (stable semantic conventions: SERVER span named after the
 * method, renamed `METHOD route` once a framework instrumentation sets the route through the RPC
 * metadata; ERROR for 5xx; exceptions from the request listener and the response's `error`), at a
 * fraction of the cost: per request one span, a few attributes, one context switch around the
 * `request` listeners, and no per-request listeners or patched emitters. Listeners on the request and
 * the response (body parsers, `finish` loggers) run in the request's context because the patched
 * `emit` of IncomingMessage and ServerResponse enters that context for objects that carry one.
 * Returns a function that puts everything back.
 */
export function installHttpServerTracing(setup: HttpServerTracingSetup): () => void {
  const undo = [
    patchEmit(HttpServer.prototype, (original) => serverEmit(original, 'http', setup)),
    patchEmit(HttpsServer.prototype, (original) => serverEmit(original, 'https', setup)),
    patchEmit(IncomingMessage.prototype, (original) => messageEmit(original, false)),
    patchEmit(ServerResponse.prototype, (original) => messageEmit(original, true)),
  ];
  return () => {
    for (const restore of undo.reverse()) restore();
  };
}

function invoke(original: Emit, self: unknown, event: string | symbol, args: unknown[]): boolean {
  return original.call(self, event, ...args);
}

function serverEmit(original: Emit, scheme: 'http' | 'https', setup: HttpServerTracingSetup): Emit {
  return function emit(this: unknown, event: string | symbol, ...args: unknown[]) {
    const [request, response] = args;
    if (
      event !== 'request' ||
      !(response instanceof ServerResponse) ||
      !(request instanceof IncomingMessage)
    ) {
      return original.call(this, event, ...args);
    }
    let entered: Context | undefined;
    try {
      entered = startExchange(request, response, scheme, setup);
    } catch (error) {
      warnOnce('http-server-tracing', `HTTP server tracing failed and is skipped: ${describeError(error)}`);
    }
    if (entered === undefined) return original.call(this, event, ...args);
    try {
      return context.with(entered, invoke, undefined, original, this, event, args);
    } catch (error) {
      // A request listener threw: Node is about to report it; the span says where it happened.
      guarded(failExchange, response as Carrier, error);
      throw error;
    }
  };
}

function messageEmit(original: Emit, isResponse: boolean): Emit {
  return function emit(this: unknown, event: string | symbol, ...args: unknown[]) {
    const carrier = this as Carrier;
    const exchange = carrier[EXCHANGE];
    if (exchange === undefined) return original.call(this, event, ...args);
    if (isResponse && event === 'error') guarded(failExchange, carrier, args[0]);
    try {
      // Most of a request's events ('prefinish', 'finish', 'close', ...) have no listener, and some are
      // emitted in the request's context already (the response's 'finish' follows its last write):
      // entering the context for nothing cost a context switch each (~1 µs) on every request.
      if ((this as EventEmitter).listenerCount(event) === 0 || context.active() === exchange.context) {
        return original.call(this, event, ...args);
      }
      return context.with(exchange.context, invoke, undefined, original, this, event, args);
    } finally {
      if (isResponse && event === 'close') guarded(endExchange, this as ServerResponse & Carrier, undefined);
    }
  };
}

/**
 * Runs a step of tracing inside the app's own request handling (an event of its request or response,
 * an error its request listener threw): a failure in it is reported once and goes no further, neither
 * into the `emit` of the app's object nor in place of the app's own error.
 */
function guarded<T>(work: (response: T, error: unknown) => void, response: T, error: unknown): void {
  try {
    work(response, error);
  } catch (failure) {
    warnOnce('http-server-span', `HTTP server tracing failed on a request's span: ${describeError(failure)}`);
  }
}

function startExchange(
  request: IncomingMessage & Carrier,
  response: ServerResponse & Carrier,
  scheme: 'http' | 'https',
  setup: HttpServerTracingSetup,
): Context | undefined {
  if (isTracingSuppressed(context.active())) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const rawMethod = request.method ?? 'GET';
  // A probe's request runs unsampled and gets a span only if it fails (ignored-paths.ts).
  const ignored = ignoredRequest(request, scheme, parent, setup.ignoredPaths);
  const deferred =
    ignored === undefined ? deferIfNotKept(request, scheme, parent, setup.deferral) : undefined;
  const span =
    ignored !== undefined
      ? ignored.bare
      : deferred === undefined
        ? setup.tracer.startSpan(
            rawMethod,
            {
              kind: SpanKind.SERVER,
              attributes: serverAttributes(
                request,
                scheme,
                request.url ?? '/',
                request.socket?.remoteAddress,
                request.socket?.remotePort,
              ),
            },
            parent,
          )
        : deferred;
  const exchange = new Exchange(span, parent, rawMethod, setup, deferred?.record);
  exchange.ignored = ignored;
  if (setup.serverMetrics !== undefined)
    exchange.timing = setup.serverMetrics.start(rawMethod, scheme, request.httpVersion);
  request[EXCHANGE] = exchange;
  response[EXCHANGE] = exchange;
  setup.openServerSpans.add(exchange);
  if (setup.traceResponseHeader) {
    if (ignored === undefined) rememberTraceResponse(span, response);
    else rememberTraceResponseIf5xx(span.spanContext(), response);
  }
  return exchange.context;
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

/** Turns a deferred server span into its SDK span: same ids, start time and attributes. */
function becomeSpan(exchange: Exchange, deferred: DeferredSpan): void {
  exchange.deferred = undefined;
  const span = spanFromDeferred(exchange.setup, exchange.method, exchange.span.spanContext(), deferred);
  exchange.span = span;
  exchange.rpc.span = span;
  exchange.timedHere = true;
  for (const { error, at } of deferred.failures) recordFailure(span, error, at);
  releaseHeld(deferred, span);
}

/**
 * Names the route of the request a response answers, for frameworks that know it: when the
 * response ends, its server span gets `http.route` and the name `METHOD route`.
 */
export function setRequestRoute(response: ServerResponse, route: string): void {
  const exchange = (response as Carrier)[EXCHANGE];
  if (exchange !== undefined) exchange.rpc.route = route;
}

/** The route named for the request a response answers, if any. */
export function requestRoute(response: ServerResponse): string | undefined {
  return (response as Carrier)[EXCHANGE]?.rpc.route;
}

/**
 * Tells the server span of a response about an error a framework is about to answer with. Its status
 * code is often not known yet (the framework's error handler picks it), so errors are only recorded
 * if the response goes out 5xx (a 4xx leaves no trace of them): each as an exception event, in the
 * order reported (a handler's error, then what an error handler rethrew), and the status ERROR with
 * the last one's message, the error that decided the answer. Returns false when the request has no
 * server span of this module's, or it has ended.
 */
export function reportServerError(response: ServerResponse, error: unknown): boolean {
  const exchange = (response as Carrier)[EXCHANGE];
  if (exchange === undefined || exchange.ended) return false;
  if (exchange.reportedErrors === undefined) exchange.reportedErrors = [error];
  else if (!exchange.reportedErrors.includes(error)) exchange.reportedErrors.push(error);
  return true;
}

function failExchange(response: Carrier, error: unknown): void {
  const exchange = response[EXCHANGE];
  if (exchange === undefined || exchange.ended) return;
  exchange.failed = true;
  if (exchange.ignored !== undefined) exchange.ignored.failures.push({ error, at: nowMillis() });
  else if (exchange.deferred !== undefined) exchange.deferred.failures.push({ error, at: nowMillis() });
  else recordFailure(exchange.span, error, exchange.timedHere ? nowMillis() : undefined);
}

function recordFailure(span: Span, error: unknown, at?: number): void {
  span.recordException(error instanceof Error ? error : String(error), at);
  span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
}

function endExchange(response: ServerResponse & Carrier): void {
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
  if (deferred !== undefined) {
    const failing = exchange.failed || (response.headersSent && response.statusCode >= 500);
    const traceId = exchange.span.spanContext().traceId;
    const held = deferred.held.length;
    deferred.open = false;
    // Not kept: nothing of this request is exported, and there is no span to end.
    const { childStarted } = deferred;
    if (!exchange.setup.deferral!.settleDeferredRoot(traceId, failing, held, childStarted)) {
      deferred.droppedUnremembered = !childStarted;
      return;
    }
    becomeSpan(exchange, deferred);
  }
  const { span, rpc } = exchange;
  const endAt = exchange.timedHere ? nowMillis() : undefined;
  if (!response.headersSent) {
    // The connection closed before an answer (the caller gave up, or the socket died): there is no
    // status code to record, and `statusCode` would only be its default, 200.
    span.end(endAt);
    return;
  }
  const status = response.statusCode;
  span.setAttribute('http.response.status_code', status);
  if (rpc.route !== undefined) {
    span.setAttribute('http.route', rpc.route);
    span.updateName(`${exchange.method} ${rpc.route}`);
  }
  if (status >= 500) {
    span.setAttribute('error.type', String(status));
    // A failed exchange has its exception and status already.
    if (!exchange.failed) {
      if (exchange.reportedErrors === undefined) span.setStatus({ code: SpanStatusCode.ERROR });
      else for (const error of exchange.reportedErrors) recordFailure(span, error, endAt);
    }
  }
  span.end(endAt);
}
