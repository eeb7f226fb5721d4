import type { EventEmitter } from 'node:events';
import { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { Context } from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { deferIfNotKept } from './deferred-server-span.js';
import { type Emit, patchEmit } from './emit-patch.js';
import { describeError, warnOnce } from './faultline-log.js';
import type { IgnoredRequest } from './ignored-paths.js';
import { ignoredRequest } from './ignored-paths.js';
import { type Carrier, EXCHANGE, Exchange, endExchange, failExchange, guarded } from './server-exchange.js';
import { serverAttributes } from './server-span-attributes.js';
import type { HttpServerTracingSetup } from './server-tracing-setup.js';
import { rememberTraceResponse, rememberTraceResponseIf5xx } from './trace-response.js';

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
      // entering the context for nothing would cost a context switch each on every request.
      if ((this as EventEmitter).listenerCount(event) === 0 || context.active() === exchange.context) {
        return original.call(this, event, ...args);
      }
      return context.with(exchange.context, invoke, undefined, original, this, event, args);
    } finally {
      if (isResponse && event === 'close') guarded(endExchange, this as ServerResponse & Carrier, undefined);
    }
  };
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
  const ignored: IgnoredRequest | undefined = ignoredRequest(request, scheme, parent, setup.ignoredPaths);
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
